package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.cluster.fence.Fence;
import io.junction.cluster.fence.FencedBroker;
import io.junction.security.DirectoryStore;
import io.junction.security.JunctionSecurityManager;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.persistence.impl.journal.OperationContextImpl;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence of a primary with its backup in the same JVM: while the backup replicates, no completion waits for a
 * proof; once the backup has gone, every durable send is acknowledged only after a proof, made only once the
 * activation sequence has been raised above the backup's.
 */
class FenceTest {
    @TempDir
    Path dir;

    @Test
    void sendsCoveredByTheBackupPassAndSendsAloneWaitForAProof() throws Exception {
        DirectoryStore users = AppUser.store(dir.resolve("users.properties"));
        try (InJvmPair pair = InJvmPair.open(dir, Duration.ofMillis(200), Duration.ofSeconds(3))) {
            String primaryUrl = pair.primaryUrl();
            FencedBroker primary = start(pair.configuration(GroupSettings.Role.PRIMARY), users);
            FencedBroker backup = null;
            try {
                assertTrue(primary.getActiveMQServer().waitForActivation(60, TimeUnit.SECONDS), "primary never activated");
                backup = start(pair.configuration(GroupSettings.Role.BACKUP), users);
                FencedBroker replica = backup;
                Waits.until(Duration.ofSeconds(60), "backup in sync with primary", () -> replica.getActiveMQServer().isReplicaSync());
                Fence fence = primary.fence();
                assertEquals("FencedContext", contextAfterAReplicatedStore(primary), "the context a thread without one holds after a replicated store");
                long sequenceInSync = primary.getActiveMQServer().getNodeManager().getNodeActivationSequence();

                try (Connection c = new ActiveMQConnectionFactory(primaryUrl, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = session.createProducer(session.createQueue("fence.q"));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    long replicated = timeSends(session, producer, 200);
                    assertEquals(0, fence.held(), "sends the backup answered waited for a proof");
                    assertEquals(0, fence.proofs());

                    backup.stop();
                    long lostAt = System.nanoTime();
                    producer.send(session.createTextMessage("first alone"));
                    long first = System.nanoTime() - lostAt;
                    long alone = timeSends(session, producer, 200);
                    assertTrue(fence.held() >= 201, "sends alone that did not wait for a proof: " + (201 - fence.held()));
                    assertTrue(fence.proofs() >= 1, "no proof made");
                    assertTrue(primary.getActiveMQServer().getNodeManager().getNodeActivationSequence() > sequenceInSync,
                            "acknowledged alone without raising the activation sequence above the backup's");
                    System.out.printf("fence: 200 sends with the backup %.2f ms each, first send after losing it %.1f ms, 200 sends alone %.2f ms each"
                            + " (%d proofs)%n", replicated / 200e6, first / 1e6, alone / 200e6, fence.proofs());
                }
            } finally {
                if (backup != null) {
                    backup.stop();
                }
                primary.stop();
            }
        }
    }

    /**
     * What a thread without an operation context (an MQTT publish runs on such a pool thread) holds after a store that
     * the backup replicates: Artemis's replication would make it a plain context, whose completions the fence never
     * sees, unless the storage gave it a fenced one first.
     */
    private static String contextAfterAReplicatedStore(FencedBroker broker) throws Exception {
        StorageManager storage = broker.getActiveMQServer().getStorageManager();
        AtomicReference<Object> held = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                OperationContextImpl.clearContext();
                long tx = storage.generateID();
                CoreMessage m = new CoreMessage(storage.generateID(), 100);
                m.setAddress("fence.q");
                storage.storeMessageTransactional(tx, m);
                held.set(OperationContextImpl.getContext());
                storage.rollback(tx);
            } catch (Exception e) {
                held.set(e);
            }
        });
        t.start();
        t.join(30_000);
        assertTrue(held.get() != null && !(held.get() instanceof Exception), "the store failed: " + held.get());
        return held.get().getClass().getSimpleName();
    }

    private static long timeSends(Session session, MessageProducer producer, int count) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        return System.nanoTime() - start;
    }

    private static FencedBroker start(org.apache.activemq.artemis.core.config.Configuration configuration, DirectoryStore users) throws Exception {
        FencedBroker broker = new FencedBroker();
        broker.setConfiguration(configuration).setSecurityManager(new JunctionSecurityManager(users));
        broker.start();
        return broker;
    }
}
