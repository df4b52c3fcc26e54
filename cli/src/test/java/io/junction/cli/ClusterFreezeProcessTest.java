package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.ClusterHealth;
import io.junction.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Three node processes started by {@code junction cluster up}, under steady durable load from a CORE, an AMQP and an
 * MQTT client with the README's settings. The node of ZooKeeper's leader, which also runs one group's primary and
 * another's backup, is frozen (SIGSTOP) for longer than the lock session and then thawed (SIGCONT): its primary's
 * group fails over, and on waking it must not acknowledge alone what its group then loses. Once the cluster has
 * healed, every acknowledged message of every client has been received, and no group ever had two active brokers.
 * <p>
 * Not in the default suite yet: of its first six runs three failed (once the frozen node's group did not fail over
 * within 60 s; once one CORE and three MQTT acknowledged messages were not received within 90 s; once the cluster did
 * not heal within 180 s), which issue 13 still has to explain. Run it with {@code -Djunction.chaos=true}.
 */
@EnabledIfSystemProperty(named = "junction.chaos", matches = "true", disabledReason = "failed 3 runs in 6 (issue 13): run with -Djunction.chaos=true")
class ClusterFreezeProcessTest {
    /** Under target/ rather than a temporary directory, so that the node logs outlive a failed run. */
    private final Path dir = Path.of("target", "cluster-freeze-test").toAbsolutePath();

    @Test
    void freezingTheZooKeeperLeadersNodeLosesNoAcknowledgedMessage() throws Exception {
        Path home = dir.resolve("cluster");
        ClusterLoad.Up cluster = ClusterLoad.up(home);
        ClusterLayout layout = cluster.layout();
        Credentials admin = cluster.admin();
        ClusterLoad.createMqttQueue(layout, admin);
        ClusterLoad.SplitWatch splits = new ClusterLoad.SplitWatch(layout, admin);
        ClusterLoad.Producer core = new ClusterLoad.Producer(admin);
        ClusterLoad.AmqpProducer amqp = new ClusterLoad.AmqpProducer(layout, admin);
        ClusterLoad.MqttProducer mqtt = new ClusterLoad.MqttProducer(layout, admin);
        ClusterLoad.Consumer coreIn = new ClusterLoad.Consumer(admin);
        ClusterLoad.Consumer amqpIn = new ClusterLoad.Consumer(admin, ClusterLoad.AmqpProducer.QUEUE);
        ClusterLoad.Consumer mqttIn = new ClusterLoad.Consumer(admin, ClusterLoad.MqttProducer.QUEUE);
        List<ClusterLoad.Worker> workers = List.of(splits, coreIn, amqpIn, mqttIn, core, amqp, mqtt);
        long startedAt = System.nanoTime();
        int frozen = 0;
        try {
            workers.forEach(ClusterLoad.Worker::start);
            Waits.until(Duration.ofSeconds(90), "200 acknowledged sends from each client",
                    () -> core.acknowledged.size() >= 200 && amqp.acknowledged.size() >= 200 && mqtt.acknowledged.size() >= 200);
            frozen = ClusterHealth.probe(layout, admin.user(), admin.password()).zooKeeper().stream().filter(z -> z.mode().equals("leader"))
                    .mapToInt(ClusterHealth.ZooKeeper::node).findFirst().orElse(1);
            long pid = Long.parseLong(Files.readString(home.resolve("node" + frozen).resolve("node.pid")).trim());
            System.out.printf("freezing node %d %d ms in%n", frozen, (System.nanoTime() - startedAt) / 1_000_000);
            signal("STOP", pid);
            try {
                int node = frozen;
                Waits.until(Duration.ofSeconds(60), "g" + node + " to fail over from the frozen node " + node, () -> {
                    ClusterHealth.Group g = ClusterHealth.probe(layout, admin.user(), admin.password()).groups().get(node - 1);
                    return g.backup().active();
                });
                Thread.sleep(10_000);
            } finally {
                signal("CONT", pid);
                System.out.printf("thawed node %d %d ms in%n", frozen, (System.nanoTime() - startedAt) / 1_000_000);
            }
            CliRun[] healthy = new CliRun[1];
            Waits.until(Duration.ofSeconds(180), "the cluster to heal: every group replicated on its primary", () -> {
                healthy[0] = CliRun.of("cluster", "status", "--data", home.toString());
                return healthy[0].exitCode() == 0;
            });
            int[] atHeal = {core.acknowledged.size(), amqp.acknowledged.size(), mqtt.acknowledged.size()};
            Waits.until(Duration.ofSeconds(60), "100 more acknowledged sends from each client once healed",
                    () -> core.acknowledged.size() >= atHeal[0] + 100 && amqp.acknowledged.size() >= atHeal[1] + 100
                            && mqtt.acknowledged.size() >= atHeal[2] + 100);
            for (ClusterLoad.Worker producer : List.of(core, amqp, mqtt)) {
                producer.stop();
            }
            for (var pair : List.of(Map.entry(core.acknowledged, coreIn), Map.entry(amqp.acknowledged, amqpIn), Map.entry(mqtt.acknowledged, mqttIn))) {
                Waits.poll(Duration.ofSeconds(90), Duration.ofMillis(200), () -> pair.getValue().received.keySet().containsAll(pair.getKey().keySet()));
            }
            boolean missing = List.of(Map.entry(core.acknowledged, coreIn), Map.entry(amqp.acknowledged, amqpIn), Map.entry(mqtt.acknowledged, mqttIn))
                    .stream().anyMatch(p -> !p.getValue().received.keySet().containsAll(p.getKey().keySet()));
            if (missing) {
                for (ClusterHealth.Group g : ClusterHealth.probe(layout, admin.user(), admin.password()).groups()) {
                    String url = g.active().map(ClusterHealth.Broker::url).orElse(null);
                    if (url != null) {
                        CliRun queues = CliRun.of("queues", "--all", "--url", url, "--user", admin.user(), "--password", admin.password());
                        System.out.println("queues of " + g.name() + " on " + url + ":\n" + queues.out() + queues.err());
                    }
                }
            }
        } catch (Throwable e) {
            ClusterLoad.threadDumps(home);
            throw e;
        } finally {
            for (ClusterLoad.Worker w : workers) {
                w.stop();
            }
            CliRun down = CliRun.of("cluster", "down", "--data", home.toString());
            System.out.println("cluster down: " + down.out() + down.err());
        }
        String report = "";
        long lostTotal = 0;
        for (var c : List.of(Map.entry("CORE", Map.entry(core.acknowledged, coreIn)), Map.entry("AMQP", Map.entry(amqp.acknowledged, amqpIn)),
                Map.entry("MQTT", Map.entry(mqtt.acknowledged, mqttIn)))) {
            Map<Long, long[]> acked = c.getValue().getKey();
            ClusterLoad.Consumer in = c.getValue().getValue();
            List<Long> lost = acked.keySet().stream().filter(k -> !in.received.containsKey(k)).sorted().toList();
            lostTotal += lost.size();
            report += String.format(" %s %d acknowledged, %d lost%s, longest wait %.2f s;", c.getKey(), acked.size(), lost.size(),
                    lost.isEmpty() ? "" : " " + lost.stream().limit(20).map(k -> k + " (acknowledged " + (acked.get(k)[1] - startedAt) / 1_000_000 + " ms in)")
                            .toList(), ClusterLoad.longestGap(acked));
        }
        System.out.println("cluster freeze test (node " + frozen + ", the ZooKeeper leader, frozen 10 s after its group failed over):" + report);
        assertEquals(0, lostTotal, "acknowledged messages never received:" + report);
        assertEquals(null, core.failure.get(), "the CORE producer gave up");
        assertEquals(null, amqp.failure.get(), "the AMQP producer gave up");
        assertEquals(null, mqtt.failure.get(), "the MQTT producer gave up");
        assertEquals(List.of(), splits.seen, "moments with two active brokers in one group");
        assertTrue(frozen > 0);
    }

    static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
}
