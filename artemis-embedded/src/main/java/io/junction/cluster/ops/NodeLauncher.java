package io.junction.cluster.ops;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Starts the node processes of a {@link LocalCluster} and waits for the cluster they form to be whole. */
public final class NodeLauncher {
    private final LocalCluster cluster;

    public NodeLauncher(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts node {@code id} as a process of its own: this JVM's java, class path and the system properties that
     * shape a node, with {@code heap}, running {@code mainClass} with {@code args} in the node's directory, its output
     * appended to the node's log. Records its pid.
     */
    public Process start(int id, String heap, String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-XX:+ExitOnOutOfMemoryError");
        for (String property : List.of("java.library.path", "log4j2.configurationFile", "junction.native.dir", "junction.fence")) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Path log = cluster.ownerOnlyLog(id);
        Process process = new ProcessBuilder(command)
                .directory(cluster.nodeDir(id).toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        cluster.writePid(id, process.pid());
        return process;
    }

    /**
     * Waits until every group is replicated on its primary and ZooKeeper can lose one more member, then returns the
     * admin credentials; fails when a node of {@code started} exits or {@code timeout} passes ({@code statusHint}
     * names the command that shows why).
     */
    public Credentials awaitReplicated(ClusterLayout layout, List<Integer> started, Duration timeout, String statusHint) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String waitingFor = "the nodes to start";
        while (true) {
            for (int id : started) {
                if (cluster.process(id).isEmpty()) {
                    throw new OperationFailed("Node " + id + " exited during start-up; see " + cluster.log(id) + lastLine(cluster.log(id)));
                }
            }
            Optional<Credentials> admin = cluster.credentials(layout.members().size());
            if (admin.isPresent()) {
                ClusterHealth.State state = ClusterHealth.probe(layout, admin.get().user(), admin.get().password());
                boolean zooKeeper = state.survivesAMemberLoss();
                if (zooKeeper && state.allReplicated() && state.allOnPrimaries()) {
                    return admin.get();
                }
                waitingFor = !state.quorum() ? "a ZooKeeper majority" : !zooKeeper ? "every ZooKeeper member to serve"
                        : !state.allReplicated() ? "every group to be replicated" : "every group to fail back to its primary";
            }
            if (System.nanoTime() > deadline) {
                throw new OperationFailed("The cluster did not come up within " + timeout.toSeconds() + " s: still waiting for " + waitingFor
                        + "; see " + statusHint + " and the logs in " + cluster.dir());
            }
            Thread.sleep(500);
        }
    }

    /** The last line a node printed as its reason to exit ("junction: ..."), or nothing. */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("junction: ")) {
                    return ": " + lines.get(i).substring("junction: ".length());
                }
            }
        } catch (IOException e) {
            // no log to quote
        }
        return "";
    }
}
