package io.junction.cluster.ops;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real local cluster of three node processes for a whole test class, laid out as {@code junction cluster up} lays
 * it out, on free ports below the ephemeral range and in a fresh directory:
 * {@code @RegisterExtension static final LocalClusterExtension CLUSTER = new LocalClusterExtension();}. Every group is
 * replicated on its primary before the first test. {@link #admin} is the administrator at the cluster URL, for a
 * client of the bus to log in as or to create its tenant's users with.
 */
public final class LocalClusterExtension implements BeforeAllCallback, AfterAllCallback {
    private static final int NODES = 3;
    private static final Duration START = Duration.ofMinutes(3);

    private Path dir;
    private LocalCluster cluster;
    private ClusterLayout layout;
    private Credentials admin;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("junction-cluster-");
        cluster = new LocalCluster(dir.resolve("cluster"));
        // node N uses BASE+10N to BASE+10N+4: a free block from BASE+10 on
        int first = FreePorts.block(10 * NODES - 5);
        cluster.create(NODES, "127.0.0.1", first - 10);
        layout = cluster.layout();
        NodeLauncher launcher = new NodeLauncher(cluster);
        // a test JVM killed before afterAll (a surefire timeout) takes its node processes with it
        LocalCluster nodes = cluster;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (int id = 1; id <= NODES; id++) {
                nodes.process(id).ifPresent(ProcessHandle::destroyForcibly);
            }
        }, "local-cluster-cleanup"));
        List<Integer> started = new ArrayList<>();
        try {
            for (ClusterLayout.Member m : layout.members()) {
                launcher.start(m.id(), "512m", ClusterNodeMain.class.getName(), List.of(cluster.config(m.id()).toString()));
                started.add(m.id());
            }
            admin = launcher.awaitReplicated(layout, started, START, "the node logs").at(layout.clientUrl());
        } catch (Exception | AssertionError e) {
            stopAll();
            throw new AssertionError("the local cluster did not come up: " + e.getMessage() + logTails(), e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            stopAll();
        } finally {
            if (Boolean.getBoolean("junction.keepClusterDir")) {
                System.out.println("junction.keepClusterDir: the cluster's directory (node logs, data) is kept in " + dir);
            } else {
                deleteTree(dir);
            }
        }
    }

    /** The cluster's administrator at the cluster URL ({@link ClusterLayout#clientUrl}). */
    public Credentials admin() {
        return admin;
    }

    /**
     * Waits until every broker serving clients takes {@code user}'s login: a refused login is a directory that has not
     * reached that broker yet; no connection at all, a passive backup.
     */
    public void awaitLogin(Credentials user) {
        for (String broker : io.junction.client.ClientUrls.brokers(admin.url())) {
            io.junction.testing.Waits.until(Duration.ofSeconds(60), user.user() + "'s login on " + broker, () -> {
                try (Credentials.Open open = user.at(io.junction.client.ClientUrls.quick(broker)).connect()) {
                    return true;
                } catch (jakarta.jms.JMSSecurityException refused) {
                    return false;
                } catch (jakarta.jms.JMSException notServing) {
                    return true;
                }
            });
        }
    }

    public ClusterLayout layout() {
        return layout;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    /** SIGKILL for node {@code id}: its brokers and ZooKeeper member die without closing anything. */
    public void kill(int id) throws InterruptedException {
        ProcessHandle p = cluster.process(id).orElseThrow(() -> new AssertionError("node " + id + " is not running"));
        p.destroyForcibly();
        p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** SIGTERM to every node at once, then SIGKILL to any still running after 60 s. */
    private void stopAll() throws InterruptedException {
        List<ProcessHandle> running = new ArrayList<>();
        for (int id = 1; id <= NODES; id++) {
            cluster.process(id).ifPresent(running::add);
        }
        running.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : running) {
            try {
                p.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            }
        }
    }

    /** The last lines of each node's log: CI keeps the test's output, not the temporary directory. */
    private String logTails() {
        StringBuilder out = new StringBuilder();
        for (int id = 1; id <= NODES; id++) {
            try {
                List<String> lines = Files.readAllLines(cluster.log(id));
                out.append("\n--- node ").append(id).append(" log, last lines:\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            } catch (IOException e) {
                out.append("\n--- node ").append(id).append(": no log");
            }
        }
        return out.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
