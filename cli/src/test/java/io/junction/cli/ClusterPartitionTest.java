package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.ClusterHealth;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Three node processes, each in its own network namespace. Under a steady durable load node 1 is cut off from the
 * other two (the test still reaches all three): the majority keeps serving, no group ever has two active brokers,
 * and once the network heals node 1 rejoins and nothing acknowledged is lost.
 */
class ClusterPartitionTest {
    private final Path dir = Path.of("target", "cluster-partition-test").toAbsolutePath();

    @Test
    void anIsolatedNodeStopsServingAndTheMajorityGoesOn() throws Exception {
        NetworkNamespaces net;
        try {
            net = NetworkNamespaces.create(3);
        } catch (Exception e) {
            Assumptions.abort("network namespaces cannot be created here (the partition test needs root): " + e.getMessage());
            return;
        }
        Path home = dir.resolve("cluster");
        ClusterLoad.Producer producer = null;
        ClusterLoad.Consumer consumer = null;
        ClusterLoad.SplitWatch splits = null;
        try (net; NamespaceCluster cluster = NamespaceCluster.start(net, home)) {
            ClusterLayout layout = cluster.layout();
            Credentials admin = cluster.admin();
            cluster.awaitHealthy(Duration.ofSeconds(180), "all groups replicated on their primaries");

            splits = new ClusterLoad.SplitWatch(layout, admin);
            producer = new ClusterLoad.Producer(admin);
            consumer = new ClusterLoad.Consumer(admin);
            splits.start();
            consumer.start();
            producer.start();
            ClusterLoad.Producer p = producer;
            Waits.until(Duration.ofSeconds(60), "200 acknowledged sends", () -> p.acknowledged.size() >= 200);

            long cutAt = System.nanoTime();
            net.isolate(1);
            Waits.until(Duration.ofSeconds(60), "g1 to fail over to node 2 while node 1 is cut off", () -> {
                ClusterHealth.Group g1 = ClusterHealth.probe(layout, admin.user(), admin.password()).groups().get(0);
                return g1.backup().active() && !g1.primary().active();
            });
            double failover = (System.nanoTime() - cutAt) / 1e9;
            long before = producer.acknowledged.size();
            Waits.until(Duration.ofSeconds(60), "the majority to keep serving sends", () -> p.acknowledged.size() >= before + 200);
            ClusterHealth.State cut = ClusterHealth.probe(layout, admin.user(), admin.password());
            assertTrue(cut.groups().get(1).primary().active(), "g2 serves on node 2: " + cut.json());
            assertTrue(cut.groups().get(2).primary().active(), "g3 serves on node 3: " + cut.json());
            assertEquals("not serving", cut.zooKeeper().get(0).mode(), "the isolated ZooKeeper member has no majority: " + cut.json());

            net.heal(1);
            cluster.awaitHealthy(Duration.ofSeconds(180), "node 1 to rejoin and every group to be back on its primary, replicated");
            producer.stop();
            ClusterLoad.Consumer drain = consumer;
            ClusterLoad.Producer done = producer;
            Waits.until(Duration.ofSeconds(90), "every acknowledged message to be received",
                    () -> drain.received.keySet().containsAll(done.acknowledged.keySet()));
            System.out.printf("partition test: %d acknowledged, %d received, g1 on node 2 %.2f s after the cut, %d send retries%n",
                    done.acknowledged.size(), drain.received.size(), failover, done.retries());
            splits.stop();
            assertEquals(List.of(), splits.seen, "moments with two active brokers in one group");
        } finally {
            for (ClusterLoad.Worker w : new ClusterLoad.Worker[] {producer, consumer, splits}) {
                if (w != null) {
                    w.stop();
                }
            }
        }
    }
}
