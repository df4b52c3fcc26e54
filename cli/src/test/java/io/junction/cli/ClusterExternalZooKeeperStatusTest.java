package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterNode;
import io.junction.cluster.ExternalEnsemble;
import io.junction.node.NodeConfig;
import io.junction.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code junction cluster status --config} for a cluster on an external ZooKeeper ensemble: the members are the
 * ensemble's, and a node whose brokers are passive is told from a node that is down by its presence in ZooKeeper.
 */
class ClusterExternalZooKeeperStatusTest {
    @TempDir
    Path dir;

    @Test
    void statusReadsTheExternalEnsembleAndTheNodesPresence() throws Exception {
        List<ClusterNode> nodes = new ArrayList<>();
        ExternalEnsemble ensemble = ExternalEnsemble.start(dir);
        try {
            String connect = ensemble.connectString();
            String members = ExternalEnsemble.clusterNodes();
            List<Path> configs = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                Path file = dir.resolve("node" + id + ".properties");
                Files.writeString(file, String.join("\n", "node.name=node" + id, "data.dir=" + dir.resolve("node" + id), "journal.type=nio",
                        "cluster.node-id=" + id, "cluster.nodes=" + members, "cluster.secret=test-cluster-secret-0123456789abcdefXYZ", "zookeeper.connect=" + connect, ""));
                configs.add(file);
                nodes.add(ClusterNode.start(NodeConfig.load(file)));
            }
            Path credentials = dir.resolve("admin.credentials");
            for (ClusterNode node : nodes) {
                Optional<Credentials> created = node.admin().get(60, TimeUnit.SECONDS);
                created.ifPresent(a -> a.write(credentials));
            }
            String[] status = {"cluster", "status", "--config", configs.get(1).toString(), "--credentials", credentials.toString()};
            CliRun[] healthy = new CliRun[1];
            Waits.until(Duration.ofSeconds(90), "every group replicated", () -> {
                healthy[0] = CliRun.of(status);
                return healthy[0].exitCode() == 0;
            });
            for (String member : ensemble.clientAddresses()) {
                assertTrue(healthy[0].out().contains(member), "the external members are listed: " + healthy[0].out());
            }

            nodes.get(0).close();
            nodes.set(0, null);
            CliRun[] degraded = new CliRun[1];
            Waits.until(Duration.ofSeconds(60), "g1 on node 2, node 1 down", () -> {
                degraded[0] = CliRun.of(status);
                return degraded[0].out().contains("g1 is UNPROTECTED") && degraded[0].out().contains("node 1 primary: down");
            });
            assertEquals(1, degraded[0].exitCode());
            assertTrue(degraded[0].out().contains("ZooKeeper: quorum"), degraded[0].out());
        } finally {
            for (ClusterNode node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
            // the nodes first: closing a node whose ZooKeeper is gone waits for it
            ensemble.close();
        }
    }
}
