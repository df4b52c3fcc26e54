package io.junction.cluster;

import io.junction.client.Credentials;
import io.junction.cluster.fence.FencedBroker;
import io.junction.config.Config;
import io.junction.config.ConfigKey;
import io.junction.node.AdminCredentials;
import io.junction.node.NodeConfig;
import io.junction.node.StartupChecks;
import io.junction.security.DirectoryStore;
import io.junction.tenant.TenantBrokers;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a cluster in one process: ZooKeeper member N, the primary broker of group gN and the backup of the
 * previous node's group, each broker with its own name, data directory and port. Which broker of a group serves is
 * decided by the ZooKeeper lock, never by this class.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final Duration REGISTRY_WAIT = Duration.ofSeconds(5);
    private static final Duration STALE_REPLICA_GRACE = Duration.ofSeconds(20);

    private final ClusterLayout layout;
    private final Path dataDir;
    private final FileChannel dataLock;
    private final DirectoryStore users;
    private final ClusterTls tls;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<BrokerSlot> brokers = new ArrayList<>();
    private final CompletableFuture<Optional<Credentials>> admin = new CompletableFuture<>();
    private volatile boolean closed;
    private final BrokerWatchdog watchdog;
    private final GroupBrokers groups;

    private ClusterNode(ClusterLayout layout, Path dataDir, FileChannel dataLock, DirectoryStore users, ClusterTls tls) {
        this.layout = layout;
        this.dataDir = dataDir;
        this.dataLock = dataLock;
        this.users = users;
        this.tls = tls;
        this.watchdog = new BrokerWatchdog(layout.self(), () -> closed);
        this.groups = new GroupBrokers(layout, users, tls, watchdog, () -> closed);
        // closed after everything else: the brokers' connectors use it until they stop
        resources.add(tls);
    }

    /**
     * Checks the configuration against this machine (cluster keys, data directory, ports, memory), then starts the
     * ZooKeeper member, the user registry and both brokers, and returns at once: a broker's start waits for the
     * ZooKeeper majority, which the other nodes bring, so each broker starts in its own thread and activates as the
     * lock allows. Throws a one-line {@code ConfigException} for anything wrong before starting.
     */
    public static ClusterNode start(Config config) throws Exception {
        GroupSettings.boundZooKeeperRequests();
        ClusterLayout layout = ClusterLayout.of(config);
        if (!GroupBrokers.FENCE_ON) {
            LOG.warn("junction.fence=off: a broker that was frozen can acknowledge alone what its group then loses");
        }
        Path dataDir = StartupChecks.dataDirectory(config);
        StartupChecks.memory(config, Runtime.getRuntime().maxMemory(), 2);
        ClusterLayout.Member me = layout.me();
        StartupChecks.portFree(config, NodeConfig.CLUSTER_NODES, me.host(), me.brokerPort(), "broker of " + ClusterLayout.group(me));
        StartupChecks.portFree(config, NodeConfig.CLUSTER_NODES, me.host(), me.backupPort(), "backup of " + ClusterLayout.group(layout.previous()));
        if (layout.embeddedZooKeeper()) {
            ConfigKey<String> zkKey = me.zkHost().equals(me.host()) ? NodeConfig.CLUSTER_NODES : NodeConfig.ZOOKEEPER_HOSTS;
            StartupChecks.portFree(config, zkKey, me.zkHost(), me.zkPort(), "ZooKeeper clients");
            StartupChecks.portFree(config, zkKey, me.zkHost(), me.zkPeerPort(), "ZooKeeper followers");
            StartupChecks.portFree(config, zkKey, me.zkHost(), me.zkElectionPort(), "ZooKeeper leader election");
        }
        FileChannel dataLock = StartupChecks.lockDataDirectory(config, dataDir);
        ClusterTls tls = null;
        DirectoryStore users;
        try {
            tls = ClusterTls.install(config, me.host());
            users = DirectoryStore.open(dataDir.resolve("security").resolve("directory.properties"));
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            dataLock.close();
            throw e;
        }
        ClusterNode node = new ClusterNode(layout, dataDir, dataLock, users, tls);
        try {
            node.startParts(config);
        } catch (Exception e) {
            node.close();
            throw e;
        }
        LOG.info("Cluster node {} started: primary of {} on {}, backup of {} on {}, {}", layout.self(), ClusterLayout.group(me), me.brokerUrl(),
                ClusterLayout.group(layout.previous()), me.backupUrl(), layout.embeddedZooKeeper() ? "ZooKeeper member " + me.id() + " on "
                        + me.zooKeeperAddress() : "external ZooKeeper " + layout.zooKeeper());
        return node;
    }

    private void startParts(Config config) throws Exception {
        ClusterLayout.Member me = layout.me();
        if (layout.embeddedZooKeeper()) {
            List<ZooKeeperMember.Peer> ensemble = layout.members().stream().map(ClusterLayout.Member::zooKeeperPeer).toList();
            resources.add(ZooKeeperMember.ensembleMember(dataDir.resolve("zookeeper"), me.zooKeeperPeer(), ensemble,
                    config.get(NodeConfig.ZOOKEEPER_TICK), layout.secret()));
        }
        DirectoryRegistry registry = DirectoryRegistry.start(layout.zooKeeper(), users, layout.secret());
        resources.add(registry);
        String primaryGroup = ClusterLayout.group(me);
        brokers.add(groups.broker(config, dataDir.resolve(primaryGroup + "-primary"), me.brokerPort(),
                groups.settings(config, primaryGroup, GroupSettings.Role.PRIMARY, me.brokerUrl(), layout.next().backupUrl())));
        String backupGroup = ClusterLayout.group(layout.previous());
        brokers.add(groups.broker(config, dataDir.resolve(backupGroup + "-backup"), me.backupPort(),
                groups.settings(config, backupGroup, GroupSettings.Role.BACKUP, me.backupUrl(), layout.previous().brokerUrl())));
        // a tenant or user changed through any node reaches this node's brokers, whichever of them is active
        users.onChange(d -> brokers.forEach(slot -> slot.server().ifPresent(server -> {
            if (!closed) {
                TenantBrokers.apply(server, users.snapshot());
            }
        })));
        Thread syncer = new Thread(() -> joinRegistry(registry), "junction-registry-" + layout.self());
        syncer.setDaemon(true);
        syncer.start();
        BrokerStateLog primaryLog = new BrokerStateLog(layout.self(), primaryGroup + " primary");
        BrokerStateLog backupLog = new BrokerStateLog(layout.self(), backupGroup + " backup");
        resources.add(Periodic.every("junction-broker-states-" + layout.self(), Duration.ofMillis(500), () -> {
            primaryLog.observe(primary());
            backupLog.observe(backup());
            watchdog.watch(brokers);
        }, e -> LOG.error("Node {}: watching the brokers failed: {}", layout.self(), e.getMessage(), e)));
        // the fence's upkeep (a ZooKeeper write now and then) in a thread of its own, so that a slow ZooKeeper never
        // delays the restarts above
        resources.add(Periodic.every("junction-fence-upkeep-" + layout.self(), Duration.ofSeconds(1), () -> brokers.forEach(slot -> {
            try {
                if (!closed && slot.current().get() instanceof FencedBroker fenced && fenced.fence() != null) {
                    fenced.fence().maintain();
                }
            } catch (RuntimeException e) {
                LOG.warn("Node {}: the fence's upkeep of the {} broker failed: {}", layout.self(), slot.name(), e.toString());
            }
        }), e -> LOG.warn("Node {}: the fence's upkeep failed: {}", layout.self(), e.toString())));
        // each broker's peer (the group's backup on the next node, the group's primary on the previous one) is asked
        // whether it replicates; the other groups' brokers, whether they have consumers for messages stranded here
        List<String> peers = List.of(layout.next().backupUrl(), layout.previous().brokerUrl());
        List<String> own = List.of(me.brokerUrl(), me.backupUrl());
        for (int i = 0; i < 2; i++) {
            BrokerSlot slot = brokers.get(i);
            Supplier<ActiveMQServer> server = () -> closed ? null : slot.current().get().getActiveMQServer();
            resources.add(StaleReplicaWatch.start(slot.name(), STALE_REPLICA_GRACE, server, layout.clientUrl(peers.get(i), BrokerAttributes.QUERY),
                    layout.clusterUser(), layout.secret(), why -> watchdog.rebuild(slot, why, true)));
            String peer = peers.get(i);
            String self = own.get(i);
            List<String> others = layout.brokerUrls().stream().filter(u -> !u.equals(peer) && !u.equals(self))
                    .map(u -> layout.clientUrl(u, BrokerAttributes.QUERY)).toList();
            resources.add(StrandedMessageWatch.start(slot.name(), server, others, layout.clusterUser(), layout.secret()));
        }
    }

    /** What one broker is doing, in the words {@code junction cluster status} uses. */
    public static String describe(ActiveMQServer server) {
        return BrokerStateLog.describe(server);
    }

    /** Waits for the cluster's users, then creates the first administrator if the cluster has none. */
    private void joinRegistry(DirectoryRegistry registry) {
        try {
            boolean warned = false;
            while (!closed && !registry.awaitReady(REGISTRY_WAIT)) {
                if (!warned) {
                    LOG.warn("Cluster node {} waits for a ZooKeeper majority to read the cluster's users; start the other nodes", layout.self());
                    warned = true;
                }
            }
            if (closed) {
                return;
            }
            LOG.info("Cluster node {} has the cluster's users from ZooKeeper ({} users)", layout.self(), users.names().size());
            // announced once ZooKeeper answers: the first write through the registry's namespace waits for a majority
            registry.announce(layout.self());
            admin.complete(AdminCredentials.bootstrap(users, dataDir, clientUrl()));
        } catch (Throwable e) {
            LOG.error("Cluster node {} cannot read the cluster's users: {}", layout.self(), e.getMessage(), e);
            admin.completeExceptionally(e);
        }
    }

    /** The primary broker of this node's own group, or empty while it is still being created. */
    public Optional<ActiveMQServer> primary() {
        return brokers.isEmpty() ? Optional.empty() : brokers.get(0).server();
    }

    /** The backup this node runs for the previous node's group, or empty while it is still being created. */
    public Optional<ActiveMQServer> backup() {
        return brokers.size() < 2 ? Optional.empty() : brokers.get(1).server();
    }

    public ClusterLayout layout() {
        return layout;
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** The users of the cluster as this node knows them; changes go to the cluster's registry. */
    public DirectoryStore users() {
        return users;
    }

    /**
     * Completes once this node has read the cluster's users: with the new admin credentials if this node created
     * the cluster's first administrator (they are then in {@code DATA/admin.credentials}), or empty.
     */
    public CompletableFuture<Optional<Credentials>> admin() {
        return admin;
    }

    /** The URL that reaches the whole cluster, every broker listed, with the HA client settings. */
    public String clientUrl() {
        return layout.clientUrl();
    }

    /** Stops the brokers, then the registry and the ZooKeeper member. */
    @Override
    public void close() throws Exception {
        closed = true;
        Exception failure = null;
        List<AutoCloseable> all = new ArrayList<>();
        for (int i = brokers.size() - 1; i >= 0; i--) {
            BrokerSlot slot = brokers.get(i);
            all.add(() -> {
                synchronized (slot) {
                    slot.current().get().stop();
                }
            });
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            all.add(resources.get(i));
        }
        all.add(dataLock);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        LOG.info("Cluster node {} stopped", layout.self());
        if (failure != null) {
            throw failure;
        }
    }
}
