package io.junction.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.node.NodeExtension;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker routes: a tenant's events of severity major or critical are also on its alerts (a divert), with their
 * properties; the others are not; and another tenant's alerts get none of them.
 */
class AlertRoutingTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "routing-pass-1";

    @Test
    void seriousEventsAreAlsoTheTenantsAlertsAndNoOneElses() throws Exception {
        Credentials admin = NODE.node().admin().at(NODE.node().coreUrl());
        try (Credentials.Open open = admin.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            for (String tenant : List.of("acme", "beta")) {
                m.text(ManagementClient.DIRECTORY, "createTenant", tenant, tenant, "");
                m.text(ManagementClient.DIRECTORY, "addUser", tenant + "-app", tenant, "producer", PASSWORD);
            }
        }
        try (BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-app", PASSWORD), Duration.ofSeconds(5))) {
            for (String severity : List.of("critical", "major", "minor", "warning", "normal", "indeterminate")) {
                TextMessage e = bus.session().createTextMessage("{\"severity\":\"" + severity + "\"}");
                e.setStringProperty("severity", severity);
                e.setStringProperty("device", "core-1");
                new ReliableSender(bus, bus.session().createTopic("tenant.acme.events"), Duration.ofSeconds(30)).send(e);
            }
        }
        try (Connection c = admin.factory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.start();
            List<String> alerts = drain(s, "tenant.acme.alerts");
            assertEquals(List.of("critical", "major"), alerts, "only the serious events are alerts");
            assertEquals(6, drain(s, "tenant.acme.events").size(), "every event stays an event");
            MessageConsumer beta = s.createConsumer(s.createQueue("tenant.beta.alerts::tenant.beta.alerts"));
            assertNull(beta.receive(300), "another tenant's alerts get none");
        }
    }

    /** The severity property of every message on {@code queue}, and that each kept its device. */
    private static List<String> drain(Session s, String queue) throws Exception {
        MessageConsumer consumer = s.createConsumer(s.createQueue(queue + "::" + queue));
        List<String> out = new ArrayList<>();
        Message m;
        while ((m = consumer.receive(out.isEmpty() ? 5_000 : 500)) != null) {
            assertEquals("core-1", m.getStringProperty("device"));
            out.add(m.getStringProperty("severity"));
        }
        consumer.close();
        return out;
    }
}
