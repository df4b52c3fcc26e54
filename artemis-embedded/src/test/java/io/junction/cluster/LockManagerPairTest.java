package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.security.DirectoryStore;
import io.junction.security.JunctionSecurityManager;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ZooKeeper lock manager published as 2.43.0 drives a 2.44.0 primary/backup pair: the backup replicates, takes
 * over when the primary goes, and serves every durable message the primary acknowledged.
 */
class LockManagerPairTest {
    @TempDir
    Path dir;

    @Test
    void backupTakesOverWithEveryAcknowledgedMessage() throws Exception {
        DirectoryStore users = AppUser.store(dir.resolve("users.properties"));

        try (InJvmPair pair = InJvmPair.open(dir, Duration.ofMillis(500), Duration.ofSeconds(6))) {
            String primaryUrl = pair.primaryUrl();
            String backupUrl = pair.backupUrl();
            EmbeddedActiveMQ primary = start(pair.configuration(GroupSettings.Role.PRIMARY), users);
            assertTrue(primary.getActiveMQServer().waitForActivation(60, TimeUnit.SECONDS), "primary never activated");

            EmbeddedActiveMQ backup = start(pair.configuration(GroupSettings.Role.BACKUP), users);
            try {
                Waits.until(Duration.ofSeconds(60), "backup in sync with primary", () -> backup.getActiveMQServer().isReplicaSync());
                assertFalse(backup.getActiveMQServer().isActive(), "a replicating backup must not serve");
                // what a backup's node asks the primary to catch a backup that only believes it is in sync
                assertEquals(StaleReplicaWatch.Peer.REPLICATING, StaleReplicaWatch.ask(primaryUrl + "?" + BrokerAttributes.QUERY, "cluster", "cluster-secret"));

                ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(
                        "(" + primaryUrl + "," + backupUrl + ")?ha=true&reconnectAttempts=-1&retryInterval=100", AppUser.NAME, AppUser.PASSWORD);
                try (Connection c = factory.createConnection()) {
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = session.createProducer(session.createQueue("pair.q"));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = 0; i < 200; i++) {
                        producer.send(session.createTextMessage("m" + i));
                    }
                }

                primary.stop();

                assertTrue(backup.getActiveMQServer().waitForActivation(60, TimeUnit.SECONDS), "backup never took over");
                Waits.until(Duration.ofSeconds(10), "the backup that took over reports itself alone",
                        () -> StaleReplicaWatch.ask(backupUrl + "?" + BrokerAttributes.QUERY, "cluster", "cluster-secret") == StaleReplicaWatch.Peer.ALONE);
                try (Connection c = new ActiveMQConnectionFactory(backupUrl, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                    c.start();
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer consumer = session.createConsumer(session.createQueue("pair.q"));
                    Set<String> received = new HashSet<>();
                    for (int i = 0; i < 200; i++) {
                        TextMessage m = (TextMessage) consumer.receive(10_000);
                        assertNotNull(m, "message " + i + " missing after failover; got " + received.size());
                        received.add(m.getText());
                    }
                    assertEquals(200, received.size());
                }
            } finally {
                backup.stop();
                primary.stop();
            }
        }
    }

    private static EmbeddedActiveMQ start(Configuration config, DirectoryStore users) throws Exception {
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config).setSecurityManager(new JunctionSecurityManager(users));
        broker.start();
        return broker;
    }
}
