package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.cluster.ClusterLayout;
import io.junction.node.AdminCredentials;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        ClusterLoad.deleteTree(home);
        List<Process> nodes = new ArrayList<>();
        ClusterLoad.Producer producer = null;
        ClusterLoad.Consumer consumer = null;
        ClusterLoad.SplitWatch splits = null;
        try (net) {
            int base = FreePorts.block(10);
            List<String> entries = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                entries.add(net.address(n) + ":" + base + ":" + (base + 1) + ":" + (base + 2) + ":" + (base + 3) + ":" + (base + 4));
            }
            for (int n = 1; n <= 3; n++) {
                Path nodeDir = home.resolve("node" + n);
                Files.createDirectories(nodeDir);
                Files.writeString(nodeDir.resolve("node.properties"), "node.name=node" + n + "\ndata.dir=" + nodeDir.resolve("data")
                        + "\nmemory.global-max-size=128MiB\ncluster.node-id=" + n + "\ncluster.nodes=" + String.join(",", entries)
                        + "\ncluster.secret=test-cluster-secret-0123456789abcdefXYZ\n");
            }
            for (int n = 1; n <= 3; n++) {
                nodes.add(startNode(net, home, n));
            }
            ClusterHome cluster = new ClusterHome(home);
            ClusterLayout layout = cluster.layout();
            Waits.until(Duration.ofSeconds(120), "the administrator to be created", () -> cluster.credentials(3).isPresent());
            AdminCredentials admin = cluster.credentials(3).orElseThrow();
            awaitHealthy(layout, admin, "all groups replicated on their primaries");

            splits = new ClusterLoad.SplitWatch(layout, new AdminCredentials(layout.clientUrl(), admin.user(), admin.password()));
            AdminCredentials client = new AdminCredentials(layout.clientUrl(), admin.user(), admin.password());
            producer = new ClusterLoad.Producer(client);
            consumer = new ClusterLoad.Consumer(client);
            splits.start();
            consumer.start();
            producer.start();
            ClusterLoad.Producer p = producer;
            Waits.until(Duration.ofSeconds(60), "200 acknowledged sends", () -> p.acknowledged.size() >= 200);

            long cutAt = System.nanoTime();
            net.isolate(1);
            Waits.until(Duration.ofSeconds(60), "g1 to fail over to node 2 while node 1 is cut off", () -> {
                ClusterProbe.Group g1 = ClusterProbe.probe(layout, admin.user(), admin.password()).groups().get(0);
                return g1.backup().active() && !g1.primary().active();
            });
            double failover = (System.nanoTime() - cutAt) / 1e9;
            long before = producer.acknowledged.size();
            Waits.until(Duration.ofSeconds(60), "the majority to keep serving sends", () -> p.acknowledged.size() >= before + 200);
            ClusterProbe.State cut = ClusterProbe.probe(layout, admin.user(), admin.password());
            assertTrue(cut.groups().get(1).primary().active(), "g2 serves on node 2: " + cut.json());
            assertTrue(cut.groups().get(2).primary().active(), "g3 serves on node 3: " + cut.json());
            assertEquals("not serving", cut.zooKeeper().get(0).mode(), "the isolated ZooKeeper member has no majority: " + cut.json());

            net.heal(1);
            awaitHealthy(layout, admin, "node 1 to rejoin and every group to be back on its primary, replicated");
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
            // the data is thrown away, and a clean stop of nodes that lose their majority one by one is slow
            for (Process node : nodes) {
                node.destroyForcibly();
            }
            for (Process node : nodes) {
                node.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitHealthy(ClusterLayout layout, AdminCredentials admin, String what) {
        Waits.until(Duration.ofSeconds(180), what, () -> {
            ClusterProbe.State s = ClusterProbe.probe(layout, admin.user(), admin.password());
            return s.quorum() && s.allReplicated() && s.allOnPrimaries();
        });
    }

    private static Process startNode(NetworkNamespaces net, Path home, int n) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", net.namespace(n)));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms384m", "-Xmx384m", "-XX:+ExitOnOutOfMemoryError"));
        String nativeDir = System.getProperty("junction.native.dir");
        if (nativeDir != null) {
            command.add("-Djava.library.path=" + nativeDir);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JunctionCli.class.getName(), "node", "start", "--config",
                home.resolve("node" + n).resolve("node.properties").toString()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("node" + n).resolve("node.log").toFile())).start();
    }
}
