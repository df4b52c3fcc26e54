package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.junction.client.ManagementClient;
import io.junction.node.RunningNode;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tenants on one node, created and managed only through {@code junction}; every cross-tenant attempt is refused
 * and logged, on CORE (JMS), AMQP (Qpid JMS) and MQTT (Paho).
 */
class TenantIsolationTest {
    private static final String PASSWORD = "tenant-pass-1";
    @TempDir
    static Path dir;
    static RunningNode node;
    static final List<String> refusals = new CopyOnWriteArrayList<>();
    static AbstractAppender capture;
    /** Where the broker's refusals beside the security manager's are logged. */
    static final List<String> GUARDS = List.of("io.junction.tenant.MqttClientIds", "io.junction.tenant.MqttSubscriptions",
            "io.junction.tenant.QueueGuard");

    @BeforeAll
    static void twoTenants() throws Exception {
        node = RunningNode.start(dir.resolve("data"));
        capture = new AbstractAppender("refusals", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                refusals.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        ((Logger) LogManager.getLogger("io.junction.security.JunctionSecurityManager")).addAppender(capture);
        for (String logger : GUARDS) {
            ((Logger) LogManager.getLogger(logger)).addAppender(capture);
        }
        for (String t : new String[] {"a", "b"}) {
            ok(admin("tenant", "create", t, "--name", "Tenant " + t.toUpperCase()));
            ok(addUser(t + "-producer", t, "producer"));
            ok(addUser(t + "-consumer", t, "consumer"));
            ok(addUser(t + "-admin", t, "admin"));
        }
        ok(addUser("noc", null, "operator"));
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LogManager.getLogger("io.junction.security.JunctionSecurityManager")).removeAppender(capture);
        for (String logger : GUARDS) {
            ((Logger) LogManager.getLogger(logger)).removeAppender(capture);
        }
        node.close();
    }

    static CliRun admin(String... args) {
        return new AdminCli(node).run(args);
    }

    static CliRun addUser(String name, String tenant, String role) {
        return new AdminCli(node).addUser(name, tenant, role, PASSWORD);
    }

    static CliRun ok(CliRun run) {
        assertEquals(0, run.exitCode(), run.out() + run.err());
        return run;
    }

    // ---- CORE and AMQP: the same matrix through two JMS clients ----

    @Test
    void coreJmsUsersSeeOnlyTheirOwnTenant() throws Exception {
        jmsMatrix("core", user -> new ActiveMQConnectionFactory(node.coreUrl() + "?reconnectAttempts=0", user, PASSWORD));
    }

    @Test
    void amqpUsersSeeOnlyTheirOwnTenant() throws Exception {
        jmsMatrix("amqp", user -> new JmsConnectionFactory(user, PASSWORD, node.amqpUrl()));
    }

    private void jmsMatrix(String protocol, Function<String, ConnectionFactory> as) throws Exception {
        String body = "hello from a over " + protocol;
        send(as.apply("a-producer"), "tenant.a.events", body);
        assertEquals(body, receive(as.apply("a-consumer"), "tenant.a.events"));

        refused(protocol + ": a's producer sends to b", () -> send(as.apply("a-producer"), "tenant.b.events", "x"));
        refused(protocol + ": a's consumer consumes b's queue", () -> receive(as.apply("a-consumer"), "tenant.b.events"));
        refused(protocol + ": a's consumer browses b's queue", () -> browse(as.apply("a-consumer"), "tenant.b.events::tenant.b.events"));
        refused(protocol + ": a's consumer subscribes across tenants", () -> subscribe(as.apply("a-consumer"), "tenant.*.events"));
        refused(protocol + ": a's consumer subscribes to everything", () -> subscribe(as.apply("a-consumer"), "#"));
        refused(protocol + ": a's admin creates a queue under b", () -> durableSubscription(as.apply("a-admin"), "tenant.b.events", "a-steals"));
        refused(protocol + ": a's consumer takes a queue name of b's", () -> durableSubscription(as.apply("a-consumer"), "tenant.a.events",
                "tenant.b.events.copy"));
        refused(protocol + ": a's admin takes a queue name of b's", () -> durableSubscription(as.apply("a-admin"), "tenant.a.events",
                "tenant.b.alerts.copy"));
        durableSubscription(as.apply("a-consumer"), "tenant.a.events", "tenant.a.events.archive-" + protocol);
        refused(protocol + ": a's consumer reaches management", () -> send(as.apply("a-consumer"), "activemq.management", "x", false));
        if (protocol.equals("core")) {
            int before = refusals.size();
            assertEquals(false, manage(as.apply("a-admin"), "broker", "listQueues"), "a's admin may not call the broker's own management");
            assertEquals(false, manage(as.apply("a-admin"), "junction.directory", "tenants"), "a's admin may not list the tenants");
            assertTrue(refusals.size() > before, "refused management calls are logged");

            // destructive operations: delete, purge, take a name; b's data must survive them all
            send(as.apply("b-producer"), "tenant.b.alerts", "b's alert");
            refused("core: a's admin deletes b's queue", () -> deleteQueue("a-admin", "tenant.b.alerts"));
            refused("core: a's admin deletes its own tenant's destination", () -> deleteQueue("a-admin", "tenant.a.alerts"));
            refused("core: a's admin creates a queue named as b's on its own address", () -> createQueue("a-admin", "tenant.a.alerts",
                    "tenant.b.alerts.x"));
            assertEquals(false, manage(as.apply("a-admin"), "queue.tenant.b.alerts", "removeAllMessages"), "a's admin purges b's queue");
            assertEquals("b's alert", receive(as.apply("b-consumer"), "tenant.b.alerts"), "b's message survives every attempt");
        }
        refused(protocol + ": a's producer consumes its own tenant", () -> receive(as.apply("a-producer"), "tenant.a.events"));
        refused(protocol + ": a's consumer creates a temporary queue", () -> temporaryQueue(as.apply("a-consumer")));

        String forNoc = "metrics of b over " + protocol;
        send(as.apply("b-producer"), "tenant.b.metrics", forNoc);
        assertEquals(forNoc, receive(as.apply("noc"), "tenant.b.metrics"), "the operator reads every tenant's metrics");
        refused(protocol + ": the operator sends", () -> send(as.apply("noc"), "tenant.b.metrics", "x"));
        refused(protocol + ": the operator reads a dead-letter queue", () -> receive(as.apply("noc"), "tenant.b.dlq"));
    }

    /** Calls a management operation with no arguments; whether the broker carried it out. */
    private static boolean manage(ConnectionFactory cf, String resource, String operation) throws Exception {
        try (Connection c = cf.createConnection()) {
            c.start();
            try (ManagementClient management = new ManagementClient(c, java.time.Duration.ofSeconds(10))) {
                management.invoke(resource, operation);
                return true;
            } catch (ManagementClient.Refused e) {
                assertTrue(e.answered(), "no answer to " + operation);
                return false;
            }
        }
    }

    private static void send(ConnectionFactory cf, String address, String body) throws JMSException {
        send(cf, address, body, true);
    }

    private static void send(ConnectionFactory cf, String address, String body, boolean topic) throws JMSException {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(topic ? s.createTopic(address) : s.createQueue(address));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            p.send(s.createTextMessage(body));
        }
    }

    private static String receive(ConnectionFactory cf, String address) throws JMSException {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message m = s.createConsumer(s.createQueue(address + "::" + address)).receive(5_000);
            return m == null ? null : ((TextMessage) m).getText();
        }
    }

    private static void browse(ConnectionFactory cf, String queue) throws JMSException {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser b = s.createBrowser(s.createQueue(queue));
            b.getEnumeration().hasMoreElements();
        }
    }

    private static void subscribe(ConnectionFactory cf, String topic) throws JMSException {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createConsumer(s.createTopic(topic)).receive(200);
        }
    }

    private static void durableSubscription(ConnectionFactory cf, String topic, String name) throws JMSException {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createSharedDurableConsumer(s.createTopic(topic), name).close();
        }
    }

    private static void temporaryQueue(ConnectionFactory cf) throws JMSException {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createConsumer(s.createTemporaryQueue()).receive(200);
        }
    }

    private static org.apache.activemq.artemis.api.core.client.ClientSession coreSession(
            org.apache.activemq.artemis.api.core.client.ClientSessionFactory factory, String user) throws Exception {
        return factory.createSession(user, PASSWORD, false, true, true, false, 1);
    }

    private static void deleteQueue(String user, String queue) throws Exception {
        try (var locator = org.apache.activemq.artemis.api.core.client.ActiveMQClient.createServerLocator(node.coreUrl() + "?reconnectAttempts=0");
                var factory = locator.createSessionFactory(); var session = coreSession(factory, user)) {
            session.deleteQueue(queue);
        }
    }

    private static void createQueue(String user, String address, String queue) throws Exception {
        try (var locator = org.apache.activemq.artemis.api.core.client.ActiveMQClient.createServerLocator(node.coreUrl() + "?reconnectAttempts=0");
                var factory = locator.createSessionFactory(); var session = coreSession(factory, user)) {
            session.createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(queue).setAddress(address)
                    .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.MULTICAST).setDurable(true));
        }
    }

    interface Attempt {
        void run() throws Exception;
    }

    private static void refused(String what, Attempt attempt) {
        int before = refusals.size();
        try {
            attempt.run();
            fail(what + ": was allowed");
        } catch (JMSException | MqttException | org.apache.activemq.artemis.api.core.ActiveMQException expected) {
            // refused, as it must be
        } catch (Exception e) {
            throw new AssertionError(what + ": failed in an unexpected way", e);
        }
        assertTrue(refusals.size() > before, what + ": refused but not logged");
    }

    // ---- MQTT ----

    @Test
    void mqttDevicesPublishAndSubscribeOnlyUnderTheirOwnTenant() throws Exception {
        MqttClient device = mqtt("a-producer", "tenant.a.device1");
        device.publish("tenant/a/metrics", "ifInOctets=42".getBytes(StandardCharsets.UTF_8), 1, false);
        device.disconnect();
        assertEquals("ifInOctets=42", bytesOf(receiveAny(new ActiveMQConnectionFactory(node.coreUrl(), "a-consumer", PASSWORD), "tenant.a.metrics")));

        MqttClient watcher = mqtt("a-consumer", "tenant.a.watcher");
        List<String> seen = new CopyOnWriteArrayList<>();
        assertArrayEquals(new int[] {1}, watcher.subscribeWithResponse("tenant/a/events", 1, (t, m) -> seen.add(new String(m.getPayload(),
                StandardCharsets.UTF_8))).getGrantedQos());
        int before = refusals.size();
        for (String across : new String[] {"tenant/b/events", "tenant/+/events", "tenant/#", "#"}) {
            assertEquals(128, watcher.subscribeWithResponse(across, 1).getGrantedQos()[0], "subscription to " + across + " must be refused");
        }
        assertTrue(refusals.size() >= before + 4, "every refused subscription is logged");
        send(new ActiveMQConnectionFactory(node.coreUrl(), "a-producer", PASSWORD), "tenant.a.events", "link down");
        Waits.poll(Duration.ofSeconds(5), Duration.ofMillis(50), () -> !seen.isEmpty());
        assertEquals(List.of("link down"), seen);
        watcher.disconnect();

        MqttClient intruder = mqtt("a-producer", "tenant.a.device2");
        before = refusals.size();
        try {
            intruder.publish("tenant/b/metrics", "x".getBytes(StandardCharsets.UTF_8), 1, false);
            fail("a device of a published to b");
        } catch (MqttException expected) {
            // MQTT 3.1.1 cannot refuse a publish: the broker closes the connection
        }
        assertFalse(intruder.isConnected());
        assertTrue(refusals.size() > before, "the refused publish is logged");
        intruder.close();

        // client ids are one namespace: a tenant's device may not take (and so disconnect) another tenant's
        before = refusals.size();
        org.junit.jupiter.api.Assertions.assertThrows(MqttException.class, () -> mqtt("a-producer", "tenant.b.device1"));
        org.junit.jupiter.api.Assertions.assertThrows(MqttException.class, () -> mqtt("a-producer", "router-7"));
        assertTrue(refusals.size() >= before + 2, "both refused client ids are logged");
    }

    private static MqttClient mqtt(String user, String clientId) throws MqttException {
        return MqttDevice.connect(node.mqttUrl(), user, PASSWORD, clientId);
    }

    private static Message receiveAny(ConnectionFactory cf, String address) throws JMSException {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message m = s.createConsumer(s.createQueue(address + "::" + address)).receive(5_000);
            assertNotNull(m, "nothing arrived on " + address);
            m.acknowledge();
            return m;
        }
    }

    private static String bytesOf(Message m) throws JMSException {
        if (m instanceof TextMessage t) {
            return t.getText();
        }
        byte[] body = m.getBody(byte[].class);
        return new String(body, StandardCharsets.UTF_8);
    }
}
