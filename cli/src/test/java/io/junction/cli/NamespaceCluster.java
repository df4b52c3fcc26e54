package io.junction.cli;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.ClusterHealth;
import io.junction.cluster.ops.LocalCluster;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three node processes, each in its own network namespace of {@code net}, their configurations and logs under
 * {@code home/nodeN}: a node can be killed and started again, frozen, or cut off from the others while the test
 * reaches all of them. Closing kills every node (the data is thrown away, and a clean stop of nodes that lose their
 * majority one by one is slow).
 */
final class NamespaceCluster implements AutoCloseable {
    private final NetworkNamespaces net;
    private final Path home;
    private final Process[] nodes = new Process[3];
    private ClusterLayout layout;
    private Credentials admin;

    private NamespaceCluster(NetworkNamespaces net, Path home) {
        this.net = net;
        this.home = home;
    }

    /** Writes the three nodes' configurations (one free port block on the namespaces' addresses) and starts them. */
    static NamespaceCluster start(NetworkNamespaces net, Path home) throws Exception {
        ClusterLoad.deleteTree(home);
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
        NamespaceCluster cluster = new NamespaceCluster(net, home);
        try {
            for (int n = 1; n <= 3; n++) {
                cluster.startNode(n);
            }
            LocalCluster files = new LocalCluster(home);
            cluster.layout = files.layout();
            Waits.until(Duration.ofSeconds(120), "the administrator to be created", () -> files.credentials(3).isPresent());
            Credentials created = files.credentials(3).orElseThrow();
            cluster.admin = new Credentials(cluster.layout.clientUrl(), created.user(), created.password());
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    ClusterLayout layout() {
        return layout;
    }

    /** The administrator, with the cluster URL (every broker) as its URL. */
    Credentials admin() {
        return admin;
    }

    NetworkNamespaces net() {
        return net;
    }

    Path home() {
        return home;
    }

    long pid(int node) {
        return nodes[node - 1].pid();
    }

    /** Starts node {@code n} (1 to 3) in its namespace, its output appended to its {@code node.log}. */
    void startNode(int n) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", net.namespace(n)));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xms384m", "-Xmx384m", "-XX:+ExitOnOutOfMemoryError"));
        for (String property : List.of("junction.native.dir", "junction.fence")) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        String nativeDir = System.getProperty("junction.native.dir");
        if (nativeDir != null) {
            command.add("-Djava.library.path=" + nativeDir);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JunctionCli.class.getName(), "node", "start", "--config",
                home.resolve("node" + n).resolve("node.properties").toString()));
        nodes[n - 1] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("node" + n).resolve("node.log").toFile())).start();
        // `ip netns exec` runs java in its own place, so this is the node's JVM; ClusterLoad.threadDumps reads it
        Files.writeString(home.resolve("node" + n).resolve("node.pid"), String.valueOf(nodes[n - 1].pid()));
    }

    /** Kills node {@code n} with SIGKILL and waits for it to be gone. */
    void kill(int n) throws Exception {
        Process p = nodes[n - 1];
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("node " + n + " still runs 30 s after SIGKILL");
        }
    }

    /** Sends {@code signal} (STOP, CONT) to node {@code n}. */
    void signal(int n, String signal) throws Exception {
        NetworkNamespaces.run("kill", "-" + signal, String.valueOf(pid(n)));
    }

    /** Waits until ZooKeeper has its majority and every group is replicated on its primary. */
    void awaitHealthy(Duration timeout, String what) throws InterruptedException {
        ClusterHealth.State[] last = new ClusterHealth.State[1];
        boolean healthy = Waits.poll(timeout, Duration.ofMillis(200), () -> {
            try {
                ClusterHealth.State s = ClusterHealth.probe(layout, admin.user(), admin.password());
                last[0] = s;
                return s.survivesAMemberLoss() && s.allReplicated() && s.allOnPrimaries();
            } catch (RuntimeException e) {
                return false;
            }
        });
        if (!healthy) {
            // CI keeps the output, not the node logs: say which part was not healthy
            throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what + "; last seen: "
                    + (last[0] == null ? "no answer" : last[0].json()));
        }
    }

    @Override
    public void close() {
        for (Process node : nodes) {
            if (node != null) {
                node.destroyForcibly();
            }
        }
        for (Process node : nodes) {
            if (node != null) {
                try {
                    // a frozen process dies of SIGKILL too
                    node.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
