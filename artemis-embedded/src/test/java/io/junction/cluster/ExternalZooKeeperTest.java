package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.config.Config;
import io.junction.config.ConfigException;
import io.junction.node.NodeConfig;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three cluster nodes on an external ZooKeeper ensemble (zookeeper.connect): the nodes run no member of their own. */
class ExternalZooKeeperTest {
    @TempDir
    Path dir;

    @Test
    void nodesOnAnExternalEnsembleActivateAnnounceThemselvesAndFailOver() throws Exception {
        List<ClusterNode> nodes = new ArrayList<>();
        ExternalEnsemble ensemble = ExternalEnsemble.start(dir);
        try {
            String connect = ensemble.connectString();
            String members = ExternalEnsemble.clusterNodes();
            for (int id = 1; id <= 3; id++) {
                Config config = config(id, members, connect);
                assertFalse(ClusterLayout.of(config).embeddedZooKeeper());
                nodes.add(ClusterNode.start(config));
            }
            for (ClusterNode node : nodes) {
                Waits.until(Duration.ofSeconds(90), "primary of node " + node.layout().self() + " active", () -> node.primary().map(b -> b.isActive()).orElse(false));
                Waits.until(Duration.ofSeconds(90), "backup on node " + node.layout().self() + " in sync", () -> node.backup().map(b -> b.isReplicaSync()).orElse(false));
            }
            assertEquals(Set.of("1", "2", "3"), present(connect), "every running node announces itself");
            nodes.get(2).users().put(AppUser.NAME, Set.of("admin"), AppUser.PASSWORD.toCharArray());
            Waits.until(Duration.ofSeconds(10), "node 1 to learn the user", () -> nodes.get(0).users().authenticate(AppUser.NAME, AppUser.PASSWORD).isPresent());

            // whoever reaches ZooKeeper but lacks the cluster secret can neither read the directory, nor slip in a user
            // (a plain or tampered directory), nor bring back a removed one by writing an old copy back
            try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connect).namespace(DirectoryRegistry.NAMESPACE)
                    .retryPolicy(new RetryNTimes(3, 200)).build()) {
                zk.start();
                zk.blockUntilConnected();
                byte[] old = zk.getData().forPath("/directory");
                String stored = new String(old, java.nio.charset.StandardCharsets.UTF_8);
                assertFalse(stored.contains(AppUser.NAME) || stored.toLowerCase(java.util.Locale.ROOT).contains("pbkdf2"),
                        "the directory in ZooKeeper is readable without the cluster secret: " + stored);
                nodes.get(0).users().put("late-user", Set.of("admin"), "late-password".toCharArray());
                Waits.until(Duration.ofSeconds(10), "every node to learn late-user",
                        () -> nodes.stream().allMatch(n -> n.users().find("late-user").isPresent()));

                zk.setData().forPath("/directory", old);
                assertKept(nodes, "late-user", "an old copy written back");
                String current = new String(zk.getData().forPath("/directory"), java.nio.charset.StandardCharsets.UTF_8);
                int at = current.length() - 10;
                String tampered = current.substring(0, at) + (current.charAt(at) == 'A' ? 'B' : 'A') + current.substring(at + 1);
                zk.setData().forPath("/directory", tampered.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertKept(nodes, "late-user", "a tampered copy");
                String forged = io.junction.security.Directory.EMPTY.withUser(io.junction.security.User.create("intruder", null,
                        Set.of("admin"), "intruder-pw".toCharArray())).encode();
                zk.setData().forPath("/directory", forged.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertKept(nodes, "late-user", "a forged plain directory");
                for (ClusterNode node : nodes) {
                    assertTrue(node.users().find("intruder").isEmpty(), "a forged directory was applied on node " + node.layout().self());
                }
            }
            // the next change overwrites what was written behind the nodes' backs, keeping everything they had
            nodes.get(1).users().put("after-repair", Set.of("admin"), "after-password".toCharArray());
            Waits.until(Duration.ofSeconds(10), "every node to learn after-repair",
                    () -> nodes.stream().allMatch(n -> n.users().find("after-repair").isPresent() && n.users().find("late-user").isPresent()));

            ClusterLayout.Member one = nodes.get(0).layout().me();
            ClusterLayout.Member two = nodes.get(1).layout().me();
            try (Connection c = new ActiveMQConnectionFactory(one.brokerUrl(), AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("external.q"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 0; i < 20; i++) {
                    p.send(s.createTextMessage("m" + i));
                }
            }
            nodes.get(0).close();
            nodes.set(0, null);
            Waits.until(Duration.ofSeconds(10), "node 1's presence to go", () -> present(connect).equals(Set.of("2", "3")));
            Waits.until(Duration.ofSeconds(60), "g1's backup on node 2 to take over", () -> nodes.get(1).backup().map(b -> b.isActive()).orElse(false));
            try (Connection c = new ActiveMQConnectionFactory(two.backupUrl(), AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = s.createConsumer(s.createQueue("external.q"));
                for (int i = 0; i < 20; i++) {
                    assertNotNull(consumer.receive(10_000), "message " + i + " of g1 after node 1 stopped");
                }
            }
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

    @Test
    void anExternalEnsembleIsCheckedEntryByEntry() {
        String nodes = "h1:1:2,h2:1:2,h3:1:2";
        ConfigException twoMembers = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ClusterLayout.of(config(1, nodes, "z1:2181,z2:2181")));
        assertEquals("zookeeper.connect", twoMembers.key());
        assertTrue(twoMembers.getMessage().contains("at least three"), twoMembers.getMessage());
        ConfigException badPort = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ClusterLayout.of(config(1, nodes, "z1:2181,z2:x,z3:2181")));
        assertTrue(badPort.getMessage().contains("z2:x"), badPort.getMessage());
        ConfigException shortEntries = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ClusterLayout.of(config(1, nodes, "")));
        assertEquals("cluster.nodes", shortEntries.key(), "short entries need an external ensemble");
        assertEquals("z1:2181,z2:2181,z3:2181", ClusterLayout.of(config(1, nodes, "z1:2181,z2:2181,z3:2181")).zooKeeper());
    }

    private static Set<String> present(String connect) throws Exception {
        try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connect).namespace(DirectoryRegistry.NAMESPACE)
                .retryPolicy(new RetryNTimes(3, 200)).build()) {
            zk.start();
            zk.blockUntilConnected();
            return new TreeSet<>(zk.getChildren().forPath(DirectoryRegistry.NODES));
        }
    }

    private Config config(int id, String nodes, String zooKeeper) {
        return NodeConfig.parse(Map.of(
                NodeConfig.DATA_DIR.name(), dir.resolve("node" + id).toString(),
                NodeConfig.NAME.name(), "node" + id,
                NodeConfig.JOURNAL_TYPE.name(), "nio",
                NodeConfig.CLUSTER_NODE_ID.name(), String.valueOf(id),
                NodeConfig.CLUSTER_NODES.name(), nodes,
                NodeConfig.CLUSTER_SECRET.name(), "test-cluster-secret-0123456789abcdefXYZ",
                NodeConfig.ZOOKEEPER_CONNECT.name(), zooKeeper), "node" + id + ".properties");
    }

    /** Waits long enough for a bad write to reach every node, then checks each still has {@code user} and its earlier ones. */
    private static void assertKept(List<ClusterNode> nodes, String user, String what) throws InterruptedException {
        Thread.sleep(1_500);
        for (ClusterNode node : nodes) {
            assertTrue(node.users().find(user).isPresent() && node.users().find(AppUser.NAME).isPresent(),
                    "node " + node.layout().self() + " lost users after " + what);
        }
    }
}
