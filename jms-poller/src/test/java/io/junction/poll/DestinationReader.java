package io.junction.poll;

import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every message of a tenant destination's own queue ({@code tenant.ID.metrics} or {@code .events}) in arrival order,
 * kept across reconnections ({@link #connect} again after a broker restart).
 */
final class DestinationReader implements AutoCloseable {
    /** One message: its device, site, the due time of its duplicate-detection id, whether it was spooled, its body. */
    record Seen(String device, String site, long due, boolean spooled, String body) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final String destination;
    private Connection connection;

    DestinationReader(String destination) {
        this.destination = destination;
    }

    /** Reads as {@code admin} (again, after the broker came back). */
    DestinationReader connect(Credentials admin) throws Exception {
        connection = admin.factory().createConnection();
        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c = s.createConsumer(s.createQueue(destination + "::" + destination));
        c.setMessageListener(this::take);
        connection.start();
        return this;
    }

    private void take(Message m) {
        try {
            // KIND/TENANT/SITE/ADDRESS:PORT/DUE[/TYPE/INSTANCE]
            String[] id = m.getStringProperty(ReliableSender.DUPLICATE_ID).split("/");
            seen.add(new Seen(m.getStringProperty("device"), m.getStringProperty("site"), Long.parseLong(id[4]), m.propertyExists("spooled"),
                    ((TextMessage) m).getText()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> bodies() {
        return seen.stream().map(Seen::body).toList();
    }

    /** Due times seen per device, with how often each. */
    Map<String, Map<Long, Integer>> dues() {
        Map<String, Map<Long, Integer>> out = new TreeMap<>();
        for (Seen s : seen) {
            out.computeIfAbsent(s.device(), k -> new TreeMap<>()).merge(s.due(), 1, Integer::sum);
        }
        return out;
    }

    /** Due times per device of {@code site}, in arrival order. */
    Map<String, List<Long>> arrivals(String site) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (Seen s : seen) {
            if (s.site().equals(site)) {
                out.computeIfAbsent(s.device(), k -> new ArrayList<>()).add(s.due());
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
    }
}
