package io.junction.cluster;

import io.junction.client.Credentials;
import io.junction.cluster.fence.FencedBroker;
import io.junction.config.Config;
import io.junction.config.ConfigKey;
import io.junction.node.AdminCredentials;
import io.junction.node.BrokerSettings;
import io.junction.node.ClusterUserOrigin;
import io.junction.node.JournalChoice;
import io.junction.node.NodeConfig;
import io.junction.node.StartupChecks;
import io.junction.security.DirectoryStore;
import io.junction.security.JunctionSecurityManager;
import io.junction.tenant.TenantBrokers;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.core.config.Configuration;
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
    /**
     * Whether the brokers run behind the fence: on unless {@code -Djunction.fence=off}. The fence keeps a broker that
     * was frozen (or cut off without noticing) from acknowledging alone what its group then loses (issue 13).
     */
    private static final boolean FENCE_ON = !"off".equals(System.getProperty("junction.fence"));
    private static final Duration REGISTRY_WAIT = Duration.ofSeconds(5);
    private static final Duration UNPROTECTED_GRACE = Duration.ofSeconds(10);
    private static final Duration RESTART_BACKOFF = Duration.ofSeconds(2);
    private static final Duration RESTART_GRACE = Duration.ofSeconds(10);
    /** How long a broker reported stopped may have parts still running before they count as left over ({@link BrokerLeftovers}). */
    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(1);
    private static final Duration STRANDED_GRACE = Duration.ofSeconds(15);
    private static final Duration STALL_GRACE = Duration.ofSeconds(45);
    private static final Duration STALE_REPLICA_GRACE = Duration.ofSeconds(20);
    /** How long a fenced broker may hold a client's completion before it is logged, and before it is started anew. */
    private static final Duration FENCE_WARN = Duration.ofSeconds(5);
    private static final Duration FENCE_GRACE = Duration.ofSeconds(20);

    private final ClusterLayout layout;
    private final Path dataDir;
    private final FileChannel dataLock;
    private final DirectoryStore users;
    private final ClusterTls tls;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<BrokerSlot> brokers = new ArrayList<>();
    private final CompletableFuture<Optional<Credentials>> admin = new CompletableFuture<>();
    private volatile boolean closed;
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();
    private final Map<String, RetiredBrokers> retiredBrokers = new ConcurrentHashMap<>();

    private ClusterNode(ClusterLayout layout, Path dataDir, FileChannel dataLock, DirectoryStore users, ClusterTls tls) {
        this.layout = layout;
        this.dataDir = dataDir;
        this.dataLock = dataLock;
        this.users = users;
        this.tls = tls;
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
        if (!FENCE_ON) {
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
        brokers.add(broker(config, dataDir.resolve(primaryGroup + "-primary"), me.brokerPort(),
                settings(config, primaryGroup, GroupSettings.Role.PRIMARY, me.brokerUrl(), layout.next().backupUrl())));
        String backupGroup = ClusterLayout.group(layout.previous());
        brokers.add(broker(config, dataDir.resolve(backupGroup + "-backup"), me.backupPort(),
                settings(config, backupGroup, GroupSettings.Role.BACKUP, me.backupUrl(), layout.previous().brokerUrl())));
        // a tenant or user changed through any node reaches this node's brokers, whichever of them is active
        users.onChange(d -> brokers.forEach(slot -> slot.server().ifPresent(server -> {
            if (!closed) {
                TenantBrokers.apply(server, users.snapshot());
            }
        })));
        Thread syncer = new Thread(() -> joinRegistry(registry), "junction-registry-" + layout.self());
        syncer.setDaemon(true);
        syncer.start();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "junction-broker-states-" + layout.self());
            t.setDaemon(true);
            return t;
        });
        resources.add(watcher::shutdownNow);
        BrokerStateLog primaryLog = new BrokerStateLog(primaryGroup + " primary");
        BrokerStateLog backupLog = new BrokerStateLog(backupGroup + " backup");
        watcher.scheduleWithFixedDelay(() -> {
            // an exception would cancel the schedule silently, and no broker would ever be restarted again
            try {
                primaryLog.observe(primary());
                backupLog.observe(backup());
                brokers.forEach(this::restartIfStopped);
                brokers.forEach(slot -> replaced(slot).stopRevived(slot.name).forEach(found ->
                        LOG.error("Node {}: the {}; stopping it (the new instance serves the journal)", layout.self(), found)));
            } catch (RuntimeException e) {
                LOG.error("Node {}: watching the brokers failed: {}", layout.self(), e.getMessage(), e);
            }
        }, 500, 500, TimeUnit.MILLISECONDS);
        // the fence's upkeep (a ZooKeeper write now and then) in a thread of its own, so that a slow ZooKeeper never
        // delays the restarts above
        ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "junction-fence-upkeep-" + layout.self());
            t.setDaemon(true);
            return t;
        });
        resources.add(upkeep::shutdownNow);
        upkeep.scheduleWithFixedDelay(() -> brokers.forEach(slot -> {
            try {
                if (!closed && slot.current.get() instanceof FencedBroker fenced && fenced.fence() != null) {
                    fenced.fence().maintain();
                }
            } catch (RuntimeException e) {
                // an exception would cancel the schedule silently
                LOG.warn("Node {}: the fence's upkeep of the {} broker failed: {}", layout.self(), slot.name, e.toString());
            }
        }), 1_000, 1_000, TimeUnit.MILLISECONDS);
        // each broker's peer: the group's backup on the next node, the group's primary on the previous one
        List<String> peers = List.of(layout.next().backupUrl(), layout.previous().brokerUrl());
        for (int i = 0; i < 2; i++) {
            BrokerSlot slot = brokers.get(i);
            resources.add(StaleReplicaWatch.start(slot.name, STALE_REPLICA_GRACE, () -> closed ? null : slot.current.get().getActiveMQServer(),
                    layout.clientUrl(peers.get(i), BrokerAttributes.QUERY), layout.clusterUser(), layout.secret(), why -> rebuild(slot, why, true)));
        }
    }

    /**
     * Artemis stops an active broker that loses ZooKeeper, and a backup whose registration fails, without starting
     * them again; the node does, so that a broker returns as soon as ZooKeeper has a majority again. The lock manager
     * still decides whether it may serve: a primary whose journal is behind starts passive and resynchronises.
     */
    private void restartIfStopped(BrokerSlot slot) {
        ActiveMQServer server = slot.current.get().getActiveMQServer();
        if (closed || server == null) {
            return;
        }
        long now = System.nanoTime();
        if (server.getState() != ActiveMQServer.SERVER_STATE.STOPPED) {
            slot.stoppedSince.set(0);
            strandedBackup(slot, server, now);
            heldTooLong(slot, now);
            return;
        }
        // Artemis stops and starts a broker itself on failback and after some failures; only one that stays stopped
        // is the node's to start, or two instances would fight over one journal and port
        slot.stoppedSince.compareAndSet(0, now);
        List<String> leftovers = BrokerLeftovers.running(server);
        if (!leftovers.isEmpty()) {
            // Artemis restarting it would have left STOPPED at once; stopped for a second with parts running, it is not
            if (now - slot.stoppedSince.get() >= LEFTOVER_GRACE.toNanos() && server.getState() == ActiveMQServer.SERVER_STATE.STOPPED) {
                LOG.error("Node {}: {} broker reports stopped but its {} still ran (its stop raced with its activation); stopping them",
                        layout.self(), slot.name, String.join(", ", BrokerLeftovers.stop(server)));
                slot.stoppedSince.set(now);
            }
            return;
        }
        if (now - slot.stoppedSince.get() >= RESTART_GRACE.toNanos()) {
            rebuild(slot, "stopped (ZooKeeper unavailable or its peer refused it); starting it again", false);
        }
    }

    /**
     * A fenced broker that holds a client's completion for long cannot prove it is its group's active broker, or waits
     * for something that will not come: every client behind it waits too. It is logged after {@link #FENCE_WARN} and
     * started anew after {@link #FENCE_GRACE}: the completions held fail, and their clients retry on whichever broker
     * the lock manager then makes active, where duplicate detection makes the retries harmless. Not while a new backup
     * is still copying the journal: its finished copy proves them, and a restart would only begin the copy again.
     */
    private void heldTooLong(BrokerSlot slot, long now) {
        if (!(slot.current.get() instanceof FencedBroker fenced) || fenced.fence() == null) {
            return;
        }
        long held = fenced.fence().heldFor(now);
        if (held < FENCE_WARN.toNanos()) {
            slot.fenceWarned.set(false);
            return;
        }
        if (slot.fenceWarned.compareAndSet(false, true)) {
            LOG.warn("Node {}: {} broker has held a client's completion for {} s: {}", layout.self(), slot.name, FENCE_WARN.toSeconds(),
                    fenced.fence().holding());
        }
        // a new backup's copy proves them when it ends, and a restart would only start the copy again
        if (held >= FENCE_GRACE.toNanos() && !fenced.fence().waitsForACopy()) {
            slot.fenceWarned.set(false);
            rebuild(slot, "has held a client's completion for " + FENCE_GRACE.toSeconds() + " s (" + fenced.fence().holding()
                    + "); starting it again", true);
        }
    }

    /**
     * A backup whose failover was cut short (its ZooKeeper session lapsed during a leader election, say) goes back to
     * waiting for a primary to replicate from, and would wait forever for the one that died. A backup that lost its
     * active peer and has neither taken over nor resynchronised within {@link #STRANDED_GRACE} is started anew: on
     * start Artemis lets a backup whose journal matches ZooKeeper's activation sequence take the lock, and sends one
     * that is stale back to replicating, so this is safe either way.
     */
    private void strandedBackup(BrokerSlot slot, ActiveMQServer server, long now) {
        String state = describe(server);
        if (state.equals("passive, in sync") || state.startsWith("active")) {
            slot.inSyncSeen.set(true);
            slot.lostPeerSince.set(0);
            return;
        }
        if (!state.equals("passive, not in sync")) {
            slot.unchangedSince.set(0);
            return;
        }
        if (!slot.inSyncSeen.get()) {
            stalledReplica(slot, now);
            return;
        }
        slot.lostPeerSince.compareAndSet(0, now);
        if (now - slot.lostPeerSince.get() >= STRANDED_GRACE.toNanos()) {
            slot.inSyncSeen.set(false);
            slot.lostPeerSince.set(0);
            rebuild(slot, "lost its active peer " + STRANDED_GRACE.toSeconds() + "s ago and neither took over nor resynchronised; starting it again", true);
        }
    }

    /**
     * A passive broker that has not been in sync since it started, and whose data directory has not changed for
     * {@link #STALL_GRACE}, is not replicating from anyone: a restarted primary was seen to wait this way for an active
     * backup it never connected to, so that its group never failed back. It is started anew. One that is copying its
     * active peer's journal writes files all the while, however long that takes, and is left alone.
     */
    private void stalledReplica(BrokerSlot slot, long now) {
        long fingerprint = fingerprint(slot.dir);
        if (fingerprint != slot.dataFingerprint.getAndSet(fingerprint) || slot.unchangedSince.get() == 0) {
            slot.unchangedSince.set(now);
            return;
        }
        if (now - slot.unchangedSince.get() >= STALL_GRACE.toNanos()) {
            slot.unchangedSince.set(0);
            rebuild(slot, "has been passive and out of sync for " + STALL_GRACE.toSeconds() + "s without receiving anything from its group's active "
                    + "broker (normal only while no broker of its group serves); starting it again", true);
        }
    }

    /** Changes whenever a file under {@code dir} is created, removed, grown or written. */
    private static long fingerprint(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            long[] f = {0, 0, 0};
            files.filter(Files::isRegularFile).forEach(p -> {
                try {
                    f[0]++;
                    f[1] += Files.size(p);
                    f[2] = Math.max(f[2], Files.getLastModifiedTime(p).toMillis());
                } catch (java.io.IOException gone) {
                    f[0]--;
                }
            });
            return java.util.Objects.hash(f[0], f[1], f[2]);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Replaces the slot's broker by a new instance in its own thread; {@code stopFirst} stops the current one. */
    private void rebuild(BrokerSlot slot, String why, boolean stopFirst) {
        if (!restarting.add(slot.name)) {
            return;
        }
        slot.stoppedSince.set(0);
        LOG.warn("Node {}: {} broker {}", layout.self(), slot.name, why);
        Thread starter = new Thread(() -> {
            try {
                if (stopFirst) {
                    slot.current.get().stop();
                }
                slot.server().filter(old -> old.getState() == ActiveMQServer.SERVER_STATE.STOPPED).ifPresent(old -> {
                    List<String> leftovers = BrokerLeftovers.stop(old);
                    if (!leftovers.isEmpty()) {
                        LOG.error("Node {}: {} broker's {} still ran after it stopped; stopped them", layout.self(), slot.name,
                                String.join(", ", leftovers));
                    }
                });
                // a stopped Artemis server cannot always be started again (its node manager is gone): build a new one.
                // close() stops whatever the slot holds; a broker built after it began is never started, and one it
                // could not see yet (start() waits for ZooKeeper, so it runs outside the lock) is stopped here
                EmbeddedActiveMQ fresh;
                synchronized (slot) {
                    if (closed) {
                        return;
                    }
                    fresh = slot.factory.call();
                    replaced(slot).retire(slot.current.get());
                    slot.current.set(fresh);
                }
                fresh.start();
                if (closed) {
                    fresh.stop();
                }
            } catch (Exception e) {
                LOG.error("Node {}: {} broker failed to start again: {}", layout.self(), slot.name, e.getMessage());
                sleepQuietly(RESTART_BACKOFF);
            } finally {
                restarting.remove(slot.name);
            }
        }, "junction-restart-" + slot.name.replace(' ', '-'));
        starter.setDaemon(true);
        starter.start();
    }

    /** The brokers of {@code slot} that the node replaced ({@link RetiredBrokers}), watched for a minute each. */
    private RetiredBrokers replaced(BrokerSlot slot) {
        return retiredBrokers.computeIfAbsent(slot.name, k -> new RetiredBrokers(Duration.ofMinutes(1)));
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One of the node's two brokers: how to build it, and the instance now running. */
    private record BrokerSlot(String name, Path dir, Callable<EmbeddedActiveMQ> factory, AtomicReference<EmbeddedActiveMQ> current,
                              AtomicLong stoppedSince, AtomicLong lostPeerSince, AtomicBoolean inSyncSeen, AtomicLong unchangedSince,
                              AtomicLong dataFingerprint, AtomicBoolean fenceWarned) {
        Optional<ActiveMQServer> server() {
            return Optional.ofNullable(current.get().getActiveMQServer());
        }
    }

    /** What one broker is doing, in the words {@code junction cluster status} uses. */
    public static String describe(ActiveMQServer server) {
        if (server == null || server.getState() != ActiveMQServer.SERVER_STATE.STARTED && !server.isStarted()) {
            return "stopped";
        }
        if (server.isActive()) {
            return server.isReplicaSync() ? "active, replicated" : "active, UNPROTECTED";
        }
        return server.isReplicaSync() ? "passive, in sync" : "passive, not in sync";
    }

    /**
     * Logs one line whenever a broker changes state (active, passive, in sync, peer lost), and warns once when an
     * active broker has served without a backup in sync for {@link #UNPROTECTED_GRACE}.
     */
    private final class BrokerStateLog {
        private final String name;
        private String last = "stopped";
        private long unprotectedSince;
        private boolean warned;

        BrokerStateLog(String name) {
            this.name = name;
        }

        void observe(Optional<ActiveMQServer> server) {
            String now = describe(server.orElse(null));
            if (!now.equals(last)) {
                unprotectedSince = System.nanoTime();
                warned = false;
                if (last.equals("active, replicated") && now.equals("active, UNPROTECTED")) {
                    LOG.warn("Node {}: {} broker lost its backup; group {} now has one copy (UNPROTECTED)", layout.self(), name, group());
                    warned = true;
                } else if (last.equals("passive, in sync") && !now.startsWith("active")) {
                    LOG.warn("Node {}: {} broker lost its active peer and is now {}", layout.self(), name, now);
                } else {
                    LOG.info("Node {}: {} broker is now {}", layout.self(), name, now);
                }
                last = now;
            }
            if (now.equals("active, UNPROTECTED") && !warned && System.nanoTime() - unprotectedSince > UNPROTECTED_GRACE.toNanos()) {
                LOG.warn("Node {}: group {} runs on one copy (UNPROTECTED) until its backup is back in sync", layout.self(), group());
                warned = true;
            }
        }

        private String group() {
            return name.substring(0, name.indexOf(' '));
        }
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

    /** The group peer comes first; every other broker of the cluster follows, for the cluster connection. */
    private GroupSettings settings(Config config, String group, GroupSettings.Role role, String self, String peer) {
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

    private BrokerSlot broker(Config node, Path dir, int port, GroupSettings group) throws Exception {
        String name = group.group() + " " + group.role().name().toLowerCase(Locale.ROOT);
        Callable<EmbeddedActiveMQ> factory = () -> configure(node, dir, port, group);
        BrokerSlot slot = new BrokerSlot(name, dir, factory, new AtomicReference<>(factory.call()), new AtomicLong(), new AtomicLong(),
                new AtomicBoolean(), new AtomicLong(), new AtomicLong(), new AtomicBoolean());
        // not watched for a stop until its first start returns: the server exists, stopped, before it starts
        restarting.add(name);
        Thread starter = new Thread(() -> {
            try {
                slot.current().get().start();
                if (closed) {
                    slot.current().get().stop();
                }
            } catch (Exception e) {
                LOG.error("Broker {} of group {} failed to start: {}", group.role(), group.group(), e.getMessage(), e);
            } finally {
                restarting.remove(name);
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
