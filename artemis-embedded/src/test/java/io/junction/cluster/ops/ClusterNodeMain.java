package io.junction.cluster.ops;

import io.junction.cluster.ClusterNode;
import io.junction.node.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** A cluster node as a process of its own, for tests without the CLI: {@code ClusterNodeMain CONFIG}; SIGTERM closes it. */
public final class ClusterNodeMain {
    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        ClusterNode node = ClusterNode.start(NodeConfig.load(Path.of(args[0])));
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("closing cluster node: " + e);
            } finally {
                closed.countDown();
            }
        }, "cluster-node-shutdown"));
        System.out.println("cluster node " + node.layout().self() + " running");
        closed.await();
    }
}
