package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.ClientUrls;
import io.junction.client.ReliableSender;
import io.junction.testing.ChildJvm;
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
    @TempDir
    Path dir;

    @Test
    void killedPrimaryLosesNoAcknowledgedMessageAndTakesItsGroupBackWhenRestarted() throws Exception {
        try (GroupProcesses group = GroupProcesses.startInSync(dir)) {
            ChildJvm primary = group.primary();
            ChildJvm backup = group.backup();
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
            try (ChildJvm restarted = group.broker("PRIMARY", "primary-restarted.log")) {
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
        try (GroupProcesses group = GroupProcesses.startInSync(dir)) {
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
                    + ")?failover.maxReconnectAttempts=-1&failover.reconnectDelay=100&failover.useReconnectBackOff=false"
                    + "&failover.nested.amqp.idleTimeout=4000&jms.connectTimeout=3000&failover.amqpOpenServerListAction=IGNORE";
            java.util.Map<String, Long> amqpAcked = new ConcurrentHashMap<>();
            java.util.Map<String, Long> mqttAcked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread amqp = new Thread(() -> GroupClients.produceAmqp(amqpUrl, "failover.amqp", amqpAcked, stop), "amqp-producer");
            Thread mqtt = new Thread(() -> GroupClients.produceMqtt(new String[] {"tcp://127.0.0.1:" + primaryPort, "tcp://127.0.0.1:" + backupPort},
                    "failover/mqtt", mqttAcked, stop),
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
            assertEquals(Set.of(), GroupClients.missing(backupUrl, "failover.amqp", amqpAcked), "acknowledged AMQP sends lost in failover");
            assertEquals(Set.of(), GroupClients.missing(backupUrl, "failover.mqtt", mqttAcked), "acknowledged MQTT QoS 1 publishes lost in failover");
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
}
