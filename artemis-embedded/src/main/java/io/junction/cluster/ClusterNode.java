package io.junction.cluster;

import io.junction.config.Config;
import io.junction.node.BrokerSettings;
import io.junction.node.JournalChoice;
import io.junction.node.NodeConfig;
import io.junction.security.JunctionSecurityManager;
import io.junction.security.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a cluster in one process: ZooKeeper member N, the primary broker of group gN and the backup of the
 * previous node's group, each broker with its own name, data directory and port. Which broker of a group serves is
 * decided by the ZooKeeper lock, never by this class.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final String CLUSTER_USER = "junction-cluster";

    private final ClusterLayout layout;
    private final ZooKeeperMember zooKeeper;
    private final List<EmbeddedActiveMQ> brokers;

    private ClusterNode(ClusterLayout layout, ZooKeeperMember zooKeeper, List<EmbeddedActiveMQ> brokers) {
        this.layout = layout;
        this.zooKeeper = zooKeeper;
        this.brokers = brokers;
    }

    /**
     * Starts the ZooKeeper member and both brokers and returns at once: a broker's start waits for the ZooKeeper
     * majority, which the other nodes bring, so each broker starts in its own thread and activates as the lock allows.
     */
    public static ClusterNode start(Config config, UserStore users) throws Exception {
        ClusterLayout layout = ClusterLayout.of(config);
        Path dataDir = Path.of(config.get(NodeConfig.DATA_DIR)).toAbsolutePath().normalize();
        ClusterLayout.Member me = layout.me();
        List<ZooKeeperMember.Peer> ensemble = layout.members().stream().map(ClusterLayout.Member::zooKeeperPeer).toList();
        ZooKeeperMember zk = ZooKeeperMember.ensembleMember(dataDir.resolve("zookeeper"), me.zooKeeperPeer(), ensemble,
                config.get(NodeConfig.ZOOKEEPER_TICK));
        List<EmbeddedActiveMQ> brokers = new ArrayList<>();
        ClusterNode node = new ClusterNode(layout, zk, brokers);
        try {
            String primaryGroup = ClusterLayout.group(me);
            brokers.add(broker(config, dataDir.resolve(primaryGroup + "-primary"), me.brokerPort(), users,
                    settings(config, layout, primaryGroup, GroupSettings.Role.PRIMARY, me.brokerUrl(), layout.next().backupUrl())));
            String backupGroup = ClusterLayout.group(layout.previous());
            brokers.add(broker(config, dataDir.resolve(backupGroup + "-backup"), me.backupPort(), users,
                    settings(config, layout, backupGroup, GroupSettings.Role.BACKUP, me.backupUrl(), layout.previous().brokerUrl())));
        } catch (Exception e) {
            node.close();
            throw e;
        }
        LOG.info("Cluster node {} started: primary of {} on {}, backup of {} on {}, ZooKeeper member {}", layout.self(),
                ClusterLayout.group(me), me.brokerUrl(), ClusterLayout.group(layout.previous()), me.backupUrl(), me.id());
        return node;
    }

    /** The primary broker of this node's own group, or empty while it is still being created. */
    public Optional<ActiveMQServer> primary() {
        return Optional.ofNullable(brokers.get(0).getActiveMQServer());
    }

    /** The backup this node runs for the previous node's group, or empty while it is still being created. */
    public Optional<ActiveMQServer> backup() {
        return Optional.ofNullable(brokers.get(1).getActiveMQServer());
    }

    public ClusterLayout layout() {
        return layout;
    }

    /** Stops the brokers, then the ZooKeeper member. */
    @Override
    public void close() throws Exception {
        for (int i = brokers.size() - 1; i >= 0; i--) {
            brokers.get(i).stop();
        }
        zooKeeper.close();
        LOG.info("Cluster node {} stopped", layout.self());
    }

    private static GroupSettings settings(Config config, ClusterLayout layout, String group, GroupSettings.Role role, String self,
                                          String peer) {
        return new GroupSettings(group, role, self, List.of(peer), layout.zooKeeper(), config.get(NodeConfig.CLUSTER_LOCK_SESSION),
                CLUSTER_USER, layout.secret());
    }

    private static EmbeddedActiveMQ broker(Config node, Path dir, int port, UserStore users, GroupSettings group) throws Exception {
        EmbeddedActiveMQ broker = configure(node, dir, port, users, group);
        Thread starter = new Thread(() -> {
            try {
                broker.start();
            } catch (Exception e) {
                LOG.error("Broker {} of group {} failed to start: {}", group.role(), group.group(), e.getMessage(), e);
            }
        }, "junction-start-" + group.group() + "-" + group.role().name().toLowerCase(Locale.ROOT));
        starter.setDaemon(true);
        starter.start();
        return broker;
    }

    private static EmbeddedActiveMQ configure(Config node, Path dir, int port, UserStore users, GroupSettings group) throws Exception {
        Map<String, String> settings = new HashMap<>(node.describe());
        settings.put(NodeConfig.DATA_DIR.name(), dir.toString());
        settings.put(NodeConfig.ACCEPTORS.name(), "main");
        settings.put(NodeConfig.MAIN_PORT.name(), String.valueOf(port));
        Config brokerConfig = NodeConfig.parse(settings, node.source());
        Files.createDirectories(dir.resolve("journal"));
        JournalChoice journal = JournalChoice.resolve(brokerConfig, dir.resolve("journal"));
        return new EmbeddedActiveMQ()
                .setConfiguration(group.applyTo(BrokerSettings.build(brokerConfig, dir, journal.type())))
                .setSecurityManager(new JunctionSecurityManager(users));
    }
}
