package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.node.NodeConfig;
import io.junction.node.RunningNode;
import io.junction.testing.Waits;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one tenant's users can make the broker do to another tenant's data, or to the service, besides reading it:
 * delete, take a name, fill the disk or the memory, lock others out. Each test is one finding of the security review,
 * reproduced with the real clients against a real node.
 */
class TenantDestructionTest {
    private static final String PASSWORD = "destroy-pass-1";
    @TempDir
    static Path dir;
    static RunningNode node;

    @BeforeAll
    static void tenants() throws Exception {
        Map<String, String> settings = RunningNode.freePortSettings(dir.resolve("data"));
        // small, so that one tenant could fill it: 48 MiB of it for tenants
        settings.put(NodeConfig.GLOBAL_MAX_SIZE.name(), "64MiB");
        node = RunningNode.start(settings);
        for (String t : new String[] {"ta", "tb"}) {
            admin("tenant", "create", t, "--max-memory", "8MiB", "--max-disk", "512MiB").ok();
            addUser("p" + t, t, "producer");
            addUser("c" + t, t, "consumer");
            addUser("a" + t, t, "admin");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    static CliRun admin(String... args) {
        return new AdminCli(node).run(args);
    }

    static CliRun addUser(String name, String tenant, String role) {
        return new AdminCli(node).addUser(name, tenant, role, PASSWORD).ok();
    }

    static ActiveMQConnectionFactory core(String user) {
        return new ActiveMQConnectionFactory(node.coreUrl() + "?reconnectAttempts=0", user, PASSWORD);
    }

    static void send(String user, String address, int count, int bytes) throws JMSException {
        send(user, s -> s.createTopic(address), count, bytes);
    }

    static void sendToQueue(String user, String queue, int count, int bytes) throws JMSException {
        send(user, s -> s.createQueue(queue), count, bytes);
    }

    interface To {
        jakarta.jms.Destination in(Session s) throws JMSException;
    }

    static void send(String user, To to, int count, int bytes) throws JMSException {
        try (Connection c = core(user).createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(to.in(s));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(new byte[bytes]);
                p.send(m);
            }
        }
    }

    /** Receives every message waiting in the tenant queue {@code address}; how many there were. */
    static int drain(String user, String address) throws JMSException {
        try (Connection c = core(user).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(address + "::" + address));
            int n = 0;
            while (consumer.receive(n == 0 ? 3_000 : 1_000) != null) {
                n++;
            }
            return n;
        }
    }

    static MqttClient mqtt(String user, String clientId) throws MqttException {
        return MqttDevice.connect(node.mqttUrl(), user, PASSWORD, clientId);
    }

    /** Subscribes as {@code user} and disconnects (the clean-up Artemis runs then is part of the attack). */
    static void subscribeAndLeave(String user, String clientId, String filter) throws MqttException {
        MqttClient client = mqtt(user, clientId);
        try {
            client.subscribeWithResponse(filter, 1).waitForCompletion(10_000);
        } catch (MqttException refusedOrClosed) {
            // either way the connection goes
        }
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }

    @Test
    void mqttSharedSubscriptionsNeitherDeleteNorEmptyAnotherTenantsQueues() throws Exception {
        send("ptb", "tenant.tb.metrics", 3, 100);
        MqttClient subscriber = mqtt("ctb", "tenant.tb.watcher");
        List<String> seen = new CopyOnWriteArrayList<>();
        subscriber.subscribe("tenant/tb/events", 1, (t, m) -> seen.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
        assertTrue(admin("queues", "--all").out().contains("$sys.mqtt.sessions"));

        for (String filter : new String[] {"$share/tenant.tb/alerts", "$share/tenant.tb/metrics", "$share/tenant.tb/events",
                "$share/tenant.tb.watcher/tenant/tb/events", "$share/$sys.mqtt/sessions", "$share/tenant.ta/metrics"}) {
            subscribeAndLeave("pta", "tenant.ta.m1", filter);
            subscribeAndLeave("ata", "tenant.ta.m2", filter);
        }

        assertEquals(3, drain("ctb", "tenant.tb.metrics"), "tb's stored metrics survive every attempt");
        for (String d : new String[] {"alerts", "events", "metrics"}) {
            send("ptb", "tenant.tb." + d, 1, 10);
            assertEquals(1, drain("ctb", "tenant.tb." + d), "tb's " + d + " queue still stores what tb sends");
            send("pta", "tenant.ta." + d, 1, 10);
            assertEquals(1, drain("cta", "tenant.ta." + d), "ta's own " + d + " queue was not deleted by its own users either");
        }
        await(() -> seen.size() == 1, "tb's subscriber still receives");
        assertTrue(subscriber.isConnected(), "tb's subscriber was not disconnected");
        subscriber.disconnect();
        assertTrue(admin("queues", "--all").out().contains("$sys.mqtt.sessions"), "the broker's MQTT session store survives");
    }

    @Test
    void aTenantsAdminCannotTakeAQueueNameWithATemporaryQueue() throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(node.coreUrl() + "?reconnectAttempts=0");
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession("ata", PASSWORD, false, true, true, false, 1)) {
            String uuid = java.util.UUID.randomUUID().toString();
            assertThrows(ActiveMQException.class, () -> session.createQueue(QueueConfiguration.of("tenant.tc.metrics").setAddress(uuid)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(false).setTemporary(true)));
            assertThrows(ActiveMQException.class, () -> session.createQueue(QueueConfiguration.of("tenant.tc.events").setAddress("tenant.ta.events")
                    .setRoutingType(RoutingType.MULTICAST).setDurable(true)));
        }
        admin("tenant", "create", "tc", "--max-memory", "4MiB").ok();
        addUser("ptc", "tc", "producer,consumer");
        send("ptc", "tenant.tc.metrics", 2, 10);
        assertEquals(2, drain("ptc", "tenant.tc.metrics"), "tc's metrics queue exists and keeps what tc sends");
        admin("tenant", "delete", "tc", "--force").ok();
    }

    @Test
    void aTemporaryQueueServesItsCreatorAlone() throws Exception {
        try (Connection owner = core("ata").createConnection(); Connection other = core("atb").createConnection()) {
            owner.start();
            other.start();
            Session os = owner.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = os.createTemporaryQueue();
            MessageConsumer mine = os.createConsumer(replies);
            os.createProducer(replies).send(os.createTextMessage("for ata"));
            assertNotNull(mine.receive(5_000), "the creator uses its temporary queue");

            Session ts = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Queue stolen = ts.createQueue(replies.getQueueName());
            assertThrows(JMSException.class, () -> ts.createConsumer(stolen).receive(500), "another tenant's admin reads it");
            assertThrows(JMSException.class, () -> ts.createProducer(stolen).send(ts.createTextMessage("forged")), "another admin writes to it");
            assertEquals(null, mine.receive(300), "nothing forged arrived");
        }
        CliRun users = new AdminCli(node).run("user", "list", "--tenant", "tb");
        assertEquals(0, users.exitCode(), users.err());
    }

    @Test
    void largeMessagesCountTowardTheDiskQuota() throws Exception {
        admin("tenant", "create", "tl", "--max-memory", "1MiB", "--max-disk", "2MiB").ok();
        addUser("ptl", "tl", "producer,consumer");
        int accepted = 0;
        JMSException refused = null;
        try (Connection c = core("ptl").createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createTopic("tenant.tl.metrics"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < 40 && refused == null; i++) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(new byte[1 << 20]);
                try {
                    p.send(m);
                    accepted++;
                } catch (JMSException e) {
                    refused = e;
                }
                if (accepted % 2 == 0) {
                    Thread.sleep(120); // past the quota's 100 ms refresh, as any real producer would be between sends
                }
            }
        }
        assertNotNull(refused, "40 large messages of 1 MiB accepted under a 2 MiB quota");
        assertTrue(accepted <= 4, accepted + " large messages of 1 MiB accepted under a 2 MiB quota");
        assertEquals(accepted, drain("ptl", "tenant.tl.metrics"), "what was accepted is kept");
        admin("tenant", "delete", "tl", "--force").ok();
    }

    @Test
    void retainedMqttMessagesCountTowardTheTenantsQueuesAndDisk() throws Exception {
        admin("tenant", "create", "tr", "--max-memory", "1MiB", "--max-disk", "1MiB", "--max-queues", "5").ok();
        addUser("ptr", "tr", "producer");
        int topics = retainOnNewTopics("tenant.tr.d1", 20, 10);
        assertEquals(5, topics, "retained messages on new topics beyond max-queues 5");
        admin("tenant", "update", "tr", "--max-queues", "100").ok();
        int large = retainOnNewTopics("tenant.tr.d2", 20, 200 * 1024);
        assertTrue(large >= 2 && large <= 8, large + " retained messages of 200 KiB kept under a 1 MiB quota");
        admin("tenant", "delete", "tr", "--force").ok();
    }

    /** Publishes retained messages on new topics, one connection each (a refusal closes it); how many were accepted. */
    private static int retainOnNewTopics(String clientId, int count, int bytes) throws Exception {
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            MqttClient device = mqtt("ptr", clientId);
            try {
                device.publish("tenant/tr/status/" + clientId + "-" + i, new byte[bytes], 1, true);
                accepted++;
            } catch (MqttException refused) {
                // the broker closes a connection whose publish it refuses
            } finally {
                if (device.isConnected()) {
                    device.disconnect();
                }
                device.close();
            }
            Thread.sleep(120); // past the quota's 100 ms refresh
        }
        return accepted;
    }

    @Test
    void aTenantAtItsMemoryLimitPushesNeitherOtherTenantsNorManagementIntoAddressFull() throws Exception {
        // ten queues of 9 MiB each, every one within ta's 8 MiB per address: more than the broker's whole 64 MiB,
        // which every tenant shares
        for (int q = 1; q <= 10; q++) {
            sendToQueue("ata", "tenant.ta.q" + q, 100, 90 * 1024);
        }
        send("ptb", "tenant.tb.events", 100, 1024);
        assertEquals(100, drain("ctb", "tenant.tb.events"), "tb sends and receives beside a full ta");
        admin("queues").ok();
        CliRun tenantAdmin = CliRun.of("user", "list", "--url", node.coreUrl(), "--user", "atb", "--password", PASSWORD);
        assertEquals(0, tenantAdmin.exitCode(), "a tenant admin's management call: " + tenantAdmin.err());

        CliRun tooBig = admin("tenant", "create", "huge", "--max-memory", "40MiB");
        assertEquals(1, tooBig.exitCode());
        assertTrue(tooBig.err().contains("memory.global-max-size"), tooBig.err());
        assertEquals(1, tooBig.err().strip().lines().count(), tooBig.err());
        for (int q = 1; q <= 10; q++) {
            assertEquals(100, drain("ata", "tenant.ta.q" + q), "ta keeps every message it paged");
        }
    }

    @Test
    void aSecondLoginOnAnOpenCoreConnectionIsCountedAndThrottled() throws Exception {
        admin("tenant", "create", "tz", "--max-memory", "1MiB").ok();
        addUser("ptz", "tz", "producer");
        addUser("vtz", "tz", "consumer");
        try (ServerLocator locator = ActiveMQClient.createServerLocator(node.coreUrl() + "?reconnectAttempts=0");
                ClientSessionFactory factory = locator.createSessionFactory()) {
            factory.createSession("ptz", PASSWORD, false, true, true, false, 1).close();
            for (int i = 0; i < 5; i++) {
                assertThrows(ActiveMQException.class, () -> factory.createSession("vtz", "wrong-password", false, true, true, false, 1));
            }
            long afterFifth = System.nanoTime();
            boolean refused = false;
            try {
                factory.createSession("vtz", PASSWORD, false, true, true, false, 1).close();
            } catch (ActiveMQException e) {
                refused = true;
            }
            long elapsedMillis = (System.nanoTime() - afterFifth) / 1_000_000;
            // the first penalty lasts 1 s: a run slow enough to outlast it proves nothing either way
            assertTrue(refused || elapsedMillis >= 1_000, "the right password was accepted " + elapsedMillis + " ms after 5 wrong ones");
        }
        admin("tenant", "delete", "tz", "--force").ok();
    }

    @Test
    void failedLoginsFromOneAddressLockOutOnlyTheTenantWhoseUsersWereGuessed() throws Exception {
        admin("tenant", "create", "ty", "--max-memory", "1MiB").ok();
        for (int u = 1; u <= 7; u++) {
            addUser("ty" + u, "ty", "consumer");
        }
        for (int i = 0; i < 35; i++) {
            assertThrows(JMSException.class, core("ghost-" + i)::createConnection);
        }
        core("cta").createConnection().close();
        for (int u = 1; u <= 6; u++) {
            for (int i = 0; i < 5; i++) {
                String user = "ty" + u;
                assertThrows(JMSException.class, () -> new ActiveMQConnectionFactory(node.coreUrl() + "?reconnectAttempts=0", user, "wrong")
                        .createConnection());
            }
        }
        long afterLast = System.nanoTime();
        boolean refused = false;
        try {
            core("ty7").createConnection().close();
        } catch (JMSException e) {
            refused = true;
        }
        long elapsedMillis = (System.nanoTime() - afterLast) / 1_000_000;
        assertTrue(refused || elapsedMillis >= 1_000, "30 failures against ty's users from one address, and ty7 still got in");
        core("cta").createConnection().close();
        core("ctb").createConnection().close();
        admin("queues").ok();
    }

    @Test
    void consumersSubscribeWithWildcardsInsideTheirOwnTenant() throws Exception {
        MqttClient watcher = mqtt("cta", "tenant.ta.all");
        List<String> seen = new CopyOnWriteArrayList<>();
        int granted = watcher.subscribeWithResponse("tenant/ta/#", 1, (t, m) -> seen.add(t)).getGrantedQos()[0];
        assertEquals(1, granted, "a wildcard inside the consumer's own tenant");
        try (Connection c = core("cta").createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer all = s.createConsumer(s.createTopic("tenant.ta.#"));
            send("pta", "tenant.ta.events", 1, 10);
            Message m = all.receive(5_000);
            assertNotNull(m, "the JMS wildcard subscription receives");
        }
        await(() -> seen.contains("tenant/ta/events"), "the MQTT wildcard subscription receives");
        watcher.disconnect();
        drain("cta", "tenant.ta.events");
    }

    @Test
    void aNodesDataFilesAreReadableByItsOwnerAlone() throws Exception {
        try (RunningNode own = RunningNode.start(dir.resolve("own"))) {
            CliRun sent = CliRun.of("send", "--url", own.coreUrl(), "--user", own.admin().user(), "--password", own.admin().password(),
                    "--to", "orders", "--count", "3");
            assertEquals(0, sent.exitCode(), sent.err());
            own.restart();
            Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
            Path data = dir.resolve("own");
            assertFalse(Files.getPosixFilePermissions(data).stream().anyMatch(others::contains), "the data directory is its owner's");
            try (Stream<Path> all = Files.walk(data)) {
                List<Path> open = all.filter(p -> {
                    try {
                        // what Artemis created since the start sits inside a directory no one else can enter
                        return p.getParent() != null && p.getParent().equals(data) && Files.getPosixFilePermissions(p).stream().anyMatch(others::contains);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
                assertEquals(List.of(), open, "files and directories of the data directory open to other users");
            }
        }
    }

    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        assertTrue(Waits.poll(Duration.ofSeconds(10), Duration.ofMillis(20), condition), what + ": not within 10 s");
    }
}
