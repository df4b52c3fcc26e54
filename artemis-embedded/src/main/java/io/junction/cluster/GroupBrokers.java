package io.junction.cluster;

import io.junction.cluster.fence.FencedBroker;
import io.junction.config.Config;
import io.junction.node.BrokerSettings;
import io.junction.node.ClusterUserOrigin;
import io.junction.node.JournalChoice;
import io.junction.node.NodeConfig;
import io.junction.security.DirectoryStore;
import io.junction.security.JunctionSecurityManager;
import io.junction.tenant.TenantBrokers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and first starts a node's brokers: each group's settings (its peer first, then every other broker of the
 * cluster), the Artemis configuration with the node's security and tenants, behind the fence unless it is off.
 */
final class GroupBrokers {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /**
     * Whether the brokers run behind the fence: on unless {@code -Djunction.fence=off}. The fence keeps a broker that
     * was frozen (or cut off without noticing) from acknowledging alone what its group then loses (issue 13).
     */
    static final boolean FENCE_ON = !"off".equals(System.getProperty("junction.fence"));

    private final ClusterLayout layout;
    private final DirectoryStore users;
    private final ClusterTls tls;
    private final BrokerWatchdog watchdog;
    private final BooleanSupplier closed;

    GroupBrokers(ClusterLayout layout, DirectoryStore users, ClusterTls tls, BrokerWatchdog watchdog, BooleanSupplier closed) {
        this.layout = layout;
        this.users = users;
        this.tls = tls;
        this.watchdog = watchdog;
        this.closed = closed;
    }

    /** The group peer comes first; every other broker of the cluster follows, for the cluster connection. */
    GroupSettings settings(Config config, String group, GroupSettings.Role role, String self, String peer) {
        List<String> peers = new ArrayList<>(List.of(peer));
        for (String url : layout.brokerUrls()) {
            if (!url.equals(self) && !url.equals(peer)) {
                peers.add(url);
            }
        }
        // The brokers ask only this node's own ZooKeeper member, which lives and dies with them. A client of another
        // member would be cut off whenever that member's node dies, and its reconnection (ZooKeeper waits up to 1s at
        // random before each attempt) can outlast the third of a lock session after which the lock manager gives
        // the session up; a backup that gives up in the middle of a failover then waits for a primary that never
        // returns. The local member still answers only while it is part of a majority.
        // With an external ensemble, which outlives any node, the brokers use all of it.
        String zooKeeper = layout.embeddedZooKeeper() ? layout.me().zooKeeperAddress() : layout.zooKeeper();
        String query = tls.connectorQuery();
        return new GroupSettings(group, role, self + query, peers.stream().map(p -> p + query).toList(), zooKeeper, config.get(NodeConfig.CLUSTER_LOCK_SESSION),
                layout.clusterUser(), layout.secret());
    }

    BrokerSlot broker(Config node, Path dir, int port, GroupSettings group) throws Exception {
        String name = group.group() + " " + group.role().name().toLowerCase(Locale.ROOT);
        Callable<EmbeddedActiveMQ> factory = () -> configure(node, dir, port, group);
        BrokerSlot slot = BrokerSlot.of(name, dir, factory, factory.call());
        // not watched for a stop until its first start returns: the server exists, stopped, before it starts
        watchdog.starting(name);
        Thread starter = new Thread(() -> {
            try {
                slot.current().get().start();
                if (closed.getAsBoolean()) {
                    slot.current().get().stop();
                }
            } catch (Exception e) {
                LOG.error("Broker {} of group {} failed to start: {}", group.role(), group.group(), e.getMessage(), e);
            } finally {
                watchdog.started(name);
            }
        }, "junction-start-" + group.group() + "-" + group.role().name().toLowerCase(Locale.ROOT));
        starter.setDaemon(true);
        starter.start();
        return slot;
    }

    private EmbeddedActiveMQ configure(Config node, Path dir, int port, GroupSettings group) throws Exception {
        Map<String, String> settings = new HashMap<>(node.describe());
        settings.put(NodeConfig.DATA_DIR.name(), dir.toString());
        settings.put(NodeConfig.ACCEPTORS.name(), "main");
        settings.put(NodeConfig.MAIN_PORT.name(), String.valueOf(port));
        settings.put(NodeConfig.BIND_ADDRESS.name(), layout.me().host());
        Config brokerConfig = NodeConfig.parse(settings, node.source());
        Files.createDirectories(dir.resolve("journal"));
        JournalChoice journal = JournalChoice.resolve(brokerConfig, dir.resolve("journal"));
        JunctionSecurityManager security = new JunctionSecurityManager(users);
        Configuration configuration = group.applyTo(BrokerSettings.build(brokerConfig, dir, journal.type()));
        configuration.registerBrokerPlugin(new ClusterUserOrigin(configuration.getClusterUser(),
                ClusterUserOrigin.resolve(layout.members().stream().map(ClusterLayout.Member::host).toList()), security));
        // with the fence, acknowledges alone only after proving it is still its group's active broker (io.junction.cluster.fence)
        EmbeddedActiveMQ embedded = (FENCE_ON ? new FencedBroker() : new EmbeddedActiveMQ()).setConfiguration(configuration).setSecurityManager(security);
        embedded.createActiveMQServer();
        TenantBrokers.prepare(embedded.getActiveMQServer(), users);
        return embedded;
    }
}
