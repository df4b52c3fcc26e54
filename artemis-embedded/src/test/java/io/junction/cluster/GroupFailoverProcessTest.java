package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.ClientUrls;
import io.junction.client.ReliableSender;
import io.junction.testing.ChildJvm;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary and its backup in their own processes, coordinated by ZooKeeper: kill -9 the primary under a steady
 * durable load, and the backup takes over with every acknowledged message; the producer's retries, carrying
 * duplicate-detection ids, store nothing twice. Restarted, the primary resynchronises and takes its group back.
 */
class GroupFailoverProcessTest {
    private static final long SESSION_MS = 3_000;

    @TempDir
    Path dir;

    @Test
    void killedPrimaryLosesNoAcknowledgedMessageAndTakesItsGroupBackWhenRestarted() throws Exception {
        try (Group group = Group.startInSync(this)) {
            ChildJvm primary = group.primary();
            ChildJvm backup = group.backup();
            ZooKeeperMember zk = group.zk();
            Path users = group.users();
            int primaryPort = group.primaryPort();
            int backupPort = group.backupPort();

            String url = ClientUrls.cluster(List.of("tcp://127.0.0.1:" + primaryPort, "tcp://127.0.0.1:" + backupPort));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicLong retries = new AtomicLong();
            AtomicLong killedAt = new AtomicLong();
            AtomicLong deadAt = new AtomicLong();
            AtomicLong firstSendAfterKill = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread producer = new Thread(() -> produce(url, acknowledged, retries, deadAt, firstSendAfterKill, stop), "failover-producer");
            producer.start();

            Waits.until(Duration.ofSeconds(60), "300 acknowledged sends before the kill", () -> acknowledged.size() >= 300);
            killedAt.set(System.nanoTime());
            primary.killHard();
            deadAt.set(System.nanoTime());
            Waits.until(Duration.ofSeconds(60), "the backup to take over", () -> backup.output().contains("ACTIVE g1 BACKUP"));
            int atTakeover = acknowledged.size();
            Waits.until(Duration.ofSeconds(60), "300 more acknowledged sends after the takeover", () -> acknowledged.size() >= atTakeover + 300);
            stop.set(true);
            producer.join(60_000);

            double failoverSeconds = (firstSendAfterKill.get() - killedAt.get()) / 1e9;
            System.out.printf("failover: %.2f s from kill -9 to the next acknowledged send; %d sends retried%n", failoverSeconds, retries.get());
            assertTrue(failoverSeconds > 0 && failoverSeconds < 30, "failover took " + failoverSeconds + " s");

            Set<String> received = new HashSet<>();
            int duplicates = 0;
            try (Connection c = new ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("failover.q"));
                for (Message m = consumer.receive(10_000); m != null; m = consumer.receive(2_000)) {
                    if (!received.add(m.getStringProperty("seq"))) {
                        duplicates++;
                    }
                }
            }
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(received);
            assertEquals(Set.of(), lost, "acknowledged messages lost in failover (" + acknowledged.size() + " acknowledged)");
            assertEquals(0, duplicates, "a retried send was stored twice");

            try (Connection c = new ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue("failback.q")).send(session.createTextMessage("sent to the backup"));
            }
            long restartedAt = System.nanoTime();
            try (ChildJvm restarted = broker("PRIMARY", primaryPort, backupPort, zk, users, "primary-restarted.log")) {
                Waits.until(Duration.ofSeconds(90), "the restarted primary to take its group back",
                        () -> restarted.output().contains("ACTIVE g1 PRIMARY"));
                System.out.printf("failback: %.2f s from the primary's restart to serving again%n", (System.nanoTime() - restartedAt) / 1e9);
                try (Connection c = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + primaryPort, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                    c.start();
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    Message m = session.createConsumer(session.createQueue("failback.q")).receive(10_000);
                    assertEquals("sent to the backup", m == null ? null : m.getBody(String.class),
                            "the primary must serve what the backup stored while it was away");
                }
            }
        }
    }

    @Test
    void amqpAndMqttClientsFollowTheirGroupToTheBackup() throws Exception {
        try (Group group = Group.startInSync(this)) {
            ChildJvm primary = group.primary();
            ChildJvm backup = group.backup();
            int primaryPort = group.primaryPort();
            int backupPort = group.backupPort();
            String coreUrl = ClientUrls.cluster(List.of("tcp://127.0.0.1:" + primaryPort, "tcp://127.0.0.1:" + backupPort));
            try (Connection c = new ActiveMQConnectionFactory(coreUrl, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                // the MQTT topic failover/mqtt lands in this anycast queue
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createConsumer(session.createQueue("failover.mqtt")).close();
            }
            // the client settings the README gives for each protocol
            String amqpUrl = "failover:(amqp://127.0.0.1:" + primaryPort + ",amqp://127.0.0.1:" + backupPort
                    + ")?failover.maxReconnectAttempts=-1&failover.reconnectDelay=100&failover.useReconnectBackOff=false";
            Set<String> amqpAcked = ConcurrentHashMap.newKeySet();
            Set<String> mqttAcked = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            Thread amqp = new Thread(() -> produceAmqp(amqpUrl, amqpAcked, stop), "amqp-producer");
            Thread mqtt = new Thread(() -> produceMqtt(new String[] {"tcp://127.0.0.1:" + primaryPort, "tcp://127.0.0.1:" + backupPort}, mqttAcked, stop),
                    "mqtt-producer");
            amqp.start();
            mqtt.start();
            Waits.until(Duration.ofSeconds(60), "100 acknowledged sends over each protocol", () -> amqpAcked.size() >= 100 && mqttAcked.size() >= 100);
            primary.killHard();
            Waits.until(Duration.ofSeconds(60), "the backup to take over", () -> backup.output().contains("ACTIVE g1 BACKUP"));
            int amqpAtTakeover = amqpAcked.size();
            int mqttAtTakeover = mqttAcked.size();
            Waits.until(Duration.ofSeconds(60), "100 more acknowledged sends over each protocol after the takeover",
                    () -> amqpAcked.size() >= amqpAtTakeover + 100 && mqttAcked.size() >= mqttAtTakeover + 100);
            stop.set(true);
            amqp.join(30_000);
            mqtt.join(30_000);

            String backupUrl = "tcp://127.0.0.1:" + backupPort;
            assertEquals(Set.of(), missing(backupUrl, "failover.amqp", amqpAcked), "acknowledged AMQP sends lost in failover");
            assertEquals(Set.of(), missing(backupUrl, "failover.mqtt", mqttAcked), "acknowledged MQTT QoS 1 publishes lost in failover");
        }
    }

    /** The acknowledged sequence numbers that are not in {@code queue}. */
    private static Set<String> missing(String url, String queue, Set<String> acknowledged) throws JMSException {
        Set<String> received = new HashSet<>();
        try (Connection c = new ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (Message m = consumer.receive(10_000); m != null; m = consumer.receive(2_000)) {
                received.add(m instanceof jakarta.jms.BytesMessage b ? new String(b.getBody(byte[].class), java.nio.charset.StandardCharsets.UTF_8)
                        : m.getBody(String.class));
            }
        }
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(received);
        return lost;
    }

    /** Qpid JMS through its failover URL: durable sends, each with a duplicate-detection id, retried on failure. */
    private static void produceAmqp(String url, Set<String> acknowledged, AtomicBoolean stop) {
        try (Connection c = new org.apache.qpid.jms.JmsConnectionFactory(AppUser.NAME, AppUser.PASSWORD, url).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = session.createProducer(session.createQueue("failover.amqp"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                String seq = "a" + i;
                Message m = session.createTextMessage(seq);
                m.setStringProperty("_AMQ_DUPL_ID", seq);
                sendWithRetries(() -> p.send(m));
                acknowledged.add(seq);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    interface Send {
        void run() throws Exception;
    }

    private static void sendWithRetries(Send send) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                send.run();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Paho with both brokers as server URIs, a persistent session and automatic reconnection: QoS 1 publishes. */
    private static void produceMqtt(String[] servers, Set<String> acknowledged, AtomicBoolean stop) {
        try {
            org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(servers[0], "failover-device",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setServerURIs(servers);
            options.setAutomaticReconnect(true);
            options.setCleanSession(false);
            options.setUserName(AppUser.NAME);
            options.setPassword(AppUser.PASSWORD.toCharArray());
            options.setConnectionTimeout(3);
            options.setKeepAliveInterval(2);
            client.setTimeToWait(5_000);
            client.connect(options);
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                String seq = "q" + i;
                sendWithRetries(() -> client.publish("failover/mqtt", seq.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false));
                acknowledged.add(seq);
            }
            client.disconnect();
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One group: its ZooKeeper, its primary and its backup (each its own JVM, the backup in sync), and their users. */
    private record Group(ZooKeeperMember zk, ChildJvm primary, ChildJvm backup, Path users, int primaryPort, int backupPort) implements AutoCloseable {
        static Group startInSync(GroupFailoverProcessTest test) throws Exception {
            Path users = test.dir.resolve("users.properties");
            AppUser.store(users);
            int primaryPort = FreePorts.next();
            int backupPort = FreePorts.next();
            ZooKeeperMember zk = ZooKeeperMember.standalone(test.dir.resolve("zk"), "127.0.0.1", FreePorts.next(), Duration.ofMillis(200));
            ChildJvm primary = null;
            ChildJvm backup = null;
            try {
                primary = test.broker("PRIMARY", primaryPort, backupPort, zk, users);
                backup = test.startBackupWhenPrimaryIsActive(primary, backupPort, primaryPort, zk, users);
                ChildJvm started = backup;
                Waits.until(Duration.ofSeconds(60), "backup in sync", () -> started.output().contains("IN_SYNC"));
                return new Group(zk, primary, backup, users, primaryPort, backupPort);
            } catch (RuntimeException | AssertionError e) {
                if (backup != null) {
                    backup.close();
                }
                if (primary != null) {
                    primary.close();
                }
                zk.close();
                throw e;
            }
        }

        @Override
        public void close() {
            backup.close();
            primary.close();
            zk.close();
        }
    }

    /** Blocking durable sends through {@link ReliableSender}, which retries what failover interrupts. */
    private static void produce(String url, Set<String> acknowledged, AtomicLong retries, AtomicLong deadAt,
                                AtomicLong firstSendAfterKill, AtomicBoolean stop) {
        try (Connection c = new ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = session.createProducer(session.createQueue("failover.q"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            ReliableSender sender = new ReliableSender(p, Duration.ofSeconds(60));
            for (int i = 0; i < 200_000 && !stop.get(); i++) {
                String seq = "m" + i;
                Message m = session.createTextMessage(seq);
                m.setStringProperty("seq", seq);
                long started = System.nanoTime();
                sender.send(m);
                acknowledged.add(seq);
                retries.set(sender.retries());
                // only a send begun after the primary's process was gone can have been acknowledged by the backup
                long dead = deadAt.get();
                if (dead != 0 && started > dead && firstSendAfterKill.get() == 0) {
                    firstSendAfterKill.set(System.nanoTime());
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private ChildJvm startBackupWhenPrimaryIsActive(ChildJvm primary, int self, int peer, ZooKeeperMember zk, Path users) {
        Waits.until(Duration.ofSeconds(60), "primary active", () -> primary.output().contains("ACTIVE g1 PRIMARY"));
        return broker("BACKUP", self, peer, zk, users);
    }

    private ChildJvm broker(String role, int self, int peer, ZooKeeperMember zk, Path users) {
        return broker(role, self, peer, zk, users, role.toLowerCase(Locale.ROOT) + ".log");
    }

    private ChildJvm broker(String role, int self, int peer, ZooKeeperMember zk, Path users, String log) {
        String name = role.toLowerCase(Locale.ROOT);
        return ChildJvm.start(dir.resolve(log), List.of(), GroupBrokerMain.class.getName(), "g1", role,
                dir.resolve(name).toString(), String.valueOf(self), String.valueOf(peer), zk.connectString(), String.valueOf(SESSION_MS),
                users.toString());
    }
}
