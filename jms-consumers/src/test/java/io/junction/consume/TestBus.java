package io.junction.consume;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.Json;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the consumer tests do on a real bus: make tenants with a poller and a consumer each, and publish as a poller would. */
public final class TestBus {
    private TestBus() {
    }

    /** Each tenant, with the users {@code TENANT-poller} (poller) and {@code TENANT-events} (consumer), both with {@code password}. */
    public static void tenants(Credentials admin, String password, String... tenants) throws Exception {
        try (Credentials.Open open = admin.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            for (String tenant : tenants) {
                m.text(ManagementClient.DIRECTORY, "createTenant", tenant, tenant, "");
                m.text(ManagementClient.DIRECTORY, "addUser", tenant + "-poller", tenant, "poller", password);
                m.text(ManagementClient.DIRECTORY, "addUser", tenant + "-events", tenant, "consumer", password);
            }
        }
    }

    /** An event of site hq's {@code device} as docs/messages.md has it, to {@code tenant}'s events; {@code claimed} is the tenant its body names. */
    public static void event(BusConnection bus, String tenant, String claimed, String device, String type, String severity, Instant time, String id)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", 1);
        body.put("kind", "event");
        body.put("type", type);
        body.put("severity", severity);
        body.put("tenant", claimed);
        body.put("site", "hq");
        body.put("device", device);
        body.put("address", "127.0.0.1");
        body.put("port", 161);
        body.put("time", time.toString());
        send(bus, "tenant." + tenant + ".events", Json.write(body), device, id);
    }

    /** A poll of site hq's {@code device} that answered, with {@code values} ({@code name}, {@code instance}, {@code type}, {@code value}). */
    public static void metrics(BusConnection bus, String tenant, String device, Instant time, long sysUpTime, List<Map<String, Object>> values)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", 1);
        body.put("kind", "metrics");
        body.put("tenant", tenant);
        body.put("site", "hq");
        body.put("device", device);
        body.put("time", time.toString());
        body.put("reachable", true);
        body.put("status", "UP");
        body.put("sysUpTime", sysUpTime);
        body.put("values", values);
        send(bus, "tenant." + tenant + ".metrics", Json.write(body), device, "metrics/" + tenant + "/hq/" + device + "/" + time.toEpochMilli());
    }

    private static void send(BusConnection bus, String address, String json, String device, String id) throws Exception {
        TextMessage m = bus.session().createTextMessage(json);
        m.setStringProperty("device", device);
        m.setStringProperty("JMSXGroupID", "hq/" + device);
        m.setStringProperty(ReliableSender.DUPLICATE_ID, id);
        new ReliableSender(bus, bus.session().createTopic(address), Duration.ofSeconds(30)).send(m);
    }

    /** The first message on {@code queue} (read as {@code login}, the queue named fully), or fails when none comes within {@code wait}. */
    public static jakarta.jms.Message receive(Credentials login, String queue, Duration wait) throws Exception {
        try (jakarta.jms.Connection c = login.factory().createConnection()) {
            jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.MessageConsumer consumer = s.createConsumer(s.createQueue(queue + "::" + queue));
            c.start();
            jakarta.jms.Message m = consumer.receive(wait.toMillis());
            org.junit.jupiter.api.Assertions.assertTrue(m != null, "nothing in " + queue);
            return m;
        }
    }
}
