package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.cluster.ClusterLayout;
import io.junction.node.NodeConfig;
import io.junction.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster secret is the cluster user's password: no node starts with a public, missing or weak one. */
class ClusterSecretTest {
    private static final Path EXAMPLE = Path.of("../etc/cluster/node1.properties").toAbsolutePath().normalize();
    @TempDir
    Path dir;

    @Test
    void theShippedExampleAPlaceholderAndAShortSecretStopTheNodeWithOneLine() throws Exception {
        String example = Files.readString(EXAMPLE);
        List<String> secrets = List.of("CHANGE-ME-to-the-same-random-secret-on-every-node", "change-me-please-0123456789", "short-but-s3cret");
        refused(EXAMPLE, null);
        for (int i = 0; i < secrets.size(); i++) {
            Path file = dir.resolve("node1-" + i + ".properties");
            Files.writeString(file, example.replaceFirst("(?m)^cluster\\.secret=.*$", "cluster.secret=" + secrets.get(i)));
            refused(file, secrets.get(i));
        }
    }

    private void refused(Path config, String secret) {
        try (ChildJvm node = ChildJvm.start(dir.resolve(config.getFileName() + ".log"), List.of(), JunctionCli.class.getName(), "node", "start",
                "--config", config.toString())) {
            assertEquals(1, node.waitFor(Duration.ofSeconds(60)), node.output());
            String out = node.output().strip();
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.startsWith("junction: Invalid value ") && out.contains("configuration cluster.secret in " + config), out);
            if (secret != null) {
                assertFalse(out.contains(secret), "the refusal prints the secret: " + out);
            }
        }
    }

    @Test
    void clusterSecretPrintsANewStrongSecretThatANodeAccepts() {
        CliRun first = CliRun.of("cluster", "secret").ok();
        CliRun second = CliRun.of("cluster", "secret").ok();
        String secret = first.out().strip();
        assertEquals(43, secret.length(), secret);
        assertNotEquals(secret, second.out().strip(), "each call makes a new one");
        ClusterLayout layout = ClusterLayout.of(NodeConfig.parse(Map.of(NodeConfig.CLUSTER_NODE_ID.name(), "1", NodeConfig.CLUSTER_NODES.name(),
                "127.0.0.1:1:2:3:4:5,127.0.0.1:6:7:8:9:10,127.0.0.1:11:12:13:14:15", NodeConfig.CLUSTER_SECRET.name(), secret), "node1.properties"));
        assertEquals(secret, layout.secret());
    }
}
