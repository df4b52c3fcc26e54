package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.ClientUrls;
import io.junction.testing.ChildJvm;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A primary whose process freezes (SIGSTOP: a long GC pause, a stalled VM) for longer than its lock session, under
 * durable load from a CORE, an AMQP and an MQTT client. Its backup takes the group over; when the primary thaws it
 * finds its backup gone and must not acknowledge alone what the group then loses. Every acknowledged send of each
 * client must be on the broker that took over.
 */
class FrozenPrimaryProcessTest {
    /** Under target/ rather than a temporary directory, so that the brokers' logs outlive a failed run. */
    private final Path dir = Path.of("target", "frozen-primary-test").toAbsolutePath();

    @Test
    void aThawedPrimaryAcknowledgesNothingItsGroupLoses() throws Exception {
        deleteTree(dir);
        java.nio.file.Files.createDirectories(dir);
        try (GroupProcesses group = GroupProcesses.startInSync(dir, System.getProperty("junction.test.unfenced") == null ? new String[0]
                : new String[] {"unfenced"})) {
            ChildJvm primary = group.primary();
            ChildJvm backup = group.backup();
            String[] brokers = {group.primaryUrl(), group.backupUrl()};
            String core = ClientUrls.cluster(List.of(brokers));
            String amqp = "failover:(amqp://127.0.0.1:" + group.primaryPort() + ",amqp://127.0.0.1:" + group.backupPort()
                    + ")?failover.maxReconnectAttempts=-1&failover.reconnectDelay=100&failover.useReconnectBackOff=false"
                    + "&failover.nested.amqp.idleTimeout=4000&jms.connectTimeout=3000&failover.amqpOpenServerListAction=IGNORE";
            createQueue(group.primaryUrl(), "frozen.mqtt");
            Map<String, Long> coreAcked = new ConcurrentHashMap<>();
            Map<String, Long> amqpAcked = new ConcurrentHashMap<>();
            Map<String, Long> mqttAcked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> producers = List.of(
                    new Thread(() -> GroupClients.produceCore(core, "frozen.core", coreAcked, stop), "core-producer"),
                    new Thread(() -> GroupClients.produceAmqp(amqp, "frozen.amqp", amqpAcked, stop), "amqp-producer"),
                    new Thread(() -> GroupClients.produceMqtt(brokers, "frozen/mqtt", mqttAcked, stop), "mqtt-producer"));
            producers.forEach(Thread::start);
            Waits.until(Duration.ofSeconds(60), "200 acknowledged sends from each client",
                    () -> coreAcked.size() >= 200 && amqpAcked.size() >= 200 && mqttAcked.size() >= 200);

            signal("STOP", primary.pid());
            long frozenAt = System.nanoTime();
            long thawedAt;
            try {
                Waits.until(Duration.ofSeconds(60), "the backup to take the frozen primary's group over", () -> backup.output().contains("ACTIVE g1 BACKUP"));
                Thread.sleep(20_000);
            } finally {
                thawedAt = System.nanoTime();
                signal("CONT", primary.pid());
            }
            int[] atThaw = {coreAcked.size(), amqpAcked.size(), mqttAcked.size()};
            Waits.until(Duration.ofSeconds(60), "100 more acknowledged sends from each client after the thaw",
                    () -> coreAcked.size() >= atThaw[0] + 100 && amqpAcked.size() >= atThaw[1] + 100 && mqttAcked.size() >= atThaw[2] + 100);
            stop.set(true);
            for (Thread t : producers) {
                t.join(60_000);
            }
            Set<String> coreLost = GroupClients.missing(group.backupUrl(), "frozen.core", coreAcked);
            Set<String> amqpLost = GroupClients.missing(group.backupUrl(), "frozen.amqp", amqpAcked);
            Set<String> mqttLost = GroupClients.missing(group.backupUrl(), "frozen.mqtt", mqttAcked);
            System.out.printf("frozen primary: acknowledged CORE %d (lost %d), AMQP %d (lost %d), MQTT %d (lost %d); primary %s after the thaw;"
                    + " longest time without an acknowledgement: CORE %.2f s, AMQP %.2f s, MQTT %.2f s;"
                    + " first acknowledgement after the freeze: CORE %.2f s, AMQP %.2f s, MQTT %.2f s (thawed after %.2f s)%n",
                    coreAcked.size(), coreLost.size(), amqpAcked.size(), amqpLost.size(), mqttAcked.size(), mqttLost.size(),
                    primary.output().contains("STOPPED g1 PRIMARY") ? "stopped" : "still running", GroupClients.longestGap(coreAcked),
                    GroupClients.longestGap(amqpAcked), GroupClients.longestGap(mqttAcked), secondsToFirst(coreAcked, frozenAt),
                    secondsToFirst(amqpAcked, frozenAt), secondsToFirst(mqttAcked, frozenAt), (thawedAt - frozenAt) / 1e9);
            assertEquals(Set.of(), coreLost, "acknowledged CORE sends lost");
            assertEquals(Set.of(), amqpLost, "acknowledged AMQP sends lost");
            assertEquals(Set.of(), mqttLost, "acknowledged MQTT QoS 1 publishes lost");
            assertTrue(primary.output().contains("STOPPED g1 PRIMARY"), "the thawed primary stepped down");
            // every client left the frozen broker for the backup while it was still frozen (about 10 s at most measured,
            // against a freeze of about 24 s): none waited for the thaw
            assertTrue(secondsToFirst(coreAcked, frozenAt) < (thawedAt - frozenAt) / 1e9, "the CORE client waited for the thaw");
            assertTrue(secondsToFirst(amqpAcked, frozenAt) < (thawedAt - frozenAt) / 1e9, "the AMQP client waited for the thaw");
            assertTrue(secondsToFirst(mqttAcked, frozenAt) < (thawedAt - frozenAt) / 1e9, "the MQTT client waited for the thaw");
        }
    }

    /**
     * Seconds from the freeze at {@code frozenAt} (a {@link System#nanoTime()}) to the first acknowledgement more than a
     * second after it (an answer the broker sent just before it froze may still be read after), or infinity.
     */
    private static double secondsToFirst(Map<String, Long> acknowledged, long frozenAt) {
        long after = frozenAt + 1_000_000_000L;
        return acknowledged.values().stream().mapToLong(Long::longValue).filter(t -> t > after).min()
                .stream().mapToDouble(t -> (t - frozenAt) / 1e9).findFirst().orElse(Double.POSITIVE_INFINITY);
    }

    private static void createQueue(String url, String queue) throws Exception {
        try (jakarta.jms.Connection c = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD)
                .createConnection()) {
            jakarta.jms.Session session = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue(queue)).close();
        }
    }

    static void deleteTree(Path root) throws java.io.IOException {
        if (java.nio.file.Files.exists(root)) {
            try (var paths = java.nio.file.Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }

    static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
}
