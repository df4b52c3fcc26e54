package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.config.Config;
import io.junction.config.ConfigException;
import io.junction.node.NodeConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where each part of a cluster listens, read from the node file, and the one-line refusals of bad layouts. */
class ClusterLayoutTest {
    private static final String NODES = "10.0.0.1:61616:61617:2181:2888:3888,10.0.0.2:61616:61617:2181:2888:3888,10.0.0.3:61616:61617:2181:2888:3888";

    @Test
    void zooKeeperListensOnTheNodesHostsUnlessGivenItsOwnAddresses() {
        ClusterLayout shared = ClusterLayout.of(config(2, NODES, Map.of()));
        assertEquals("10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181", shared.zooKeeper());
        assertEquals("10.0.0.2", shared.me().zkHost());

        ClusterLayout apart = ClusterLayout.of(config(2, NODES, Map.of(NodeConfig.ZOOKEEPER_HOSTS.name(), "192.168.7.1, 192.168.7.2,192.168.7.3")));
        assertEquals("192.168.7.1:2181,192.168.7.2:2181,192.168.7.3:2181", apart.zooKeeper(), "brokers and the CLI reach ZooKeeper on its own addresses");
        assertEquals(List.of("192.168.7.1:2181", "192.168.7.2:2181", "192.168.7.3:2181"), apart.zooKeeperMembers());
        assertEquals("192.168.7.2:2181", apart.me().zooKeeperAddress());
        assertEquals("tcp://10.0.0.2:61616", apart.me().brokerUrl(), "the brokers stay on cluster.nodes' hosts");
    }

    @Test
    void badZooKeeperAddressesAreRefusedNamingTheKey() {
        ConfigException tooFew = assertThrows(ConfigException.class,
                () -> ClusterLayout.of(config(1, NODES, Map.of(NodeConfig.ZOOKEEPER_HOSTS.name(), "192.168.7.1,192.168.7.2"))));
        assertEquals("zookeeper.hosts", tooFew.key());
        assertTrue(tooFew.getMessage().contains("2 addresses for the 3 nodes"), tooFew.getMessage());

        ConfigException withPort = assertThrows(ConfigException.class,
                () -> ClusterLayout.of(config(1, NODES, Map.of(NodeConfig.ZOOKEEPER_HOSTS.name(), "192.168.7.1,192.168.7.2:2181,192.168.7.3"))));
        assertEquals("zookeeper.hosts", withPort.key());
        assertTrue(withPort.getMessage().contains("192.168.7.2:2181"), withPort.getMessage());

        ConfigException blank = assertThrows(ConfigException.class,
                () -> ClusterLayout.of(config(1, NODES, Map.of(NodeConfig.ZOOKEEPER_HOSTS.name(), "192.168.7.1,,192.168.7.3"))));
        assertTrue(blank.getMessage().contains("entry 2"), blank.getMessage());

        ConfigException external = assertThrows(ConfigException.class, () -> ClusterLayout.of(config(1, "h1:1:2,h2:1:2,h3:1:2",
                Map.of(NodeConfig.ZOOKEEPER_HOSTS.name(), "a,b,c", NodeConfig.ZOOKEEPER_CONNECT.name(), "z1:2181,z2:2181,z3:2181"))));
        assertEquals("zookeeper.hosts", external.key(), "an external ensemble's addresses are in zookeeper.connect");
    }

    private static Config config(int id, String nodes, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(
                NodeConfig.CLUSTER_NODE_ID.name(), String.valueOf(id),
                NodeConfig.CLUSTER_NODES.name(), nodes,
                NodeConfig.CLUSTER_SECRET.name(), "test-cluster-secret-0123456789abcdefXYZ"));
        values.putAll(extra);
        return NodeConfig.parse(values, "node" + id + ".properties");
    }
}
