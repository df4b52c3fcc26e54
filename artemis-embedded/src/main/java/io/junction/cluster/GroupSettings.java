package io.junction.cluster;

import io.junction.client.ClientUrls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.DistributedLockManagerConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicationBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicationPrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.apache.activemq.artemis.lockmanager.zookeeper.CuratorDistributedLockManager;

/**
 * Makes a broker the primary or the backup of one replication group. Activation is decided by Artemis's ZooKeeper
 * lock manager: a broker serves only while it holds its group's lock, so an isolated broker can never serve beside
 * the one that took over.
 */
public record GroupSettings(String group, Role role, String selfUrl, List<String> peerUrls, String zooKeeper, Duration lockSession,
                            String clusterUser, String clusterPassword) {

    /** Artemis turns the coordination id into a 16-byte node id, so longer or other names could collide. */
    public GroupSettings {
        if (!group.matches("[A-Za-z0-9.]{1,16}")) {
            throw new IllegalArgumentException("Invalid group name '" + group + "': use 1 to 16 letters, digits or '.'");
        }
    }

    /** A broker's place in its group. */
    public enum Role { PRIMARY, BACKUP }

    static final String CLUSTER_NAME = "junction";

    /**
     * How much of a lock session a broker waits, once cut off from ZooKeeper, before it gives its lock up and stops
     * serving (Curator's simulated session expiry; Artemis defaults to 33). Each broker talks only to its own node's
     * ZooKeeper member, which drops its clients at once when it loses the leader (within the peer sync limit of
     * 5 ticks, 1 s), so an isolated broker stops by 1 s + 50 % of the session: 2.5 s with a 3 s session, before the
     * majority can expire its session (3 s after its member went quiet) and give the lock to the other broker. The
     * half session, 1.5 s, is what a broker tolerates while the ensemble elects a new leader after a node dies; at
     * 33 % the primaries of all groups stopped whenever the killed node had been the leader.
     */
    static final int SESSION_PERCENT = 50;
    /**
     * How long an active broker waits, at the end of copying its journal to a new replica, for the replica to confirm
     * the copy, holding its journal's write lock (so its clients wait too). Artemis's 30 s default stalled every client
     * of a broker for 30 s whenever the replica's connection died during the copy (seen in chaos runs after a thaw);
     * everything has been sent by then, so the wait covers only the replica's processing of what is still in flight.
     */
    static final long INITIAL_SYNC_TIMEOUT_MS = 10_000;
    /** Where the lock manager keeps each group's lock and activation sequence in ZooKeeper. */
    public static final String LOCK_NAMESPACE = "junction";

    /** How long a ZooKeeper client in this JVM waits for the answer to one request (ZooKeeper's own default: for ever). */
    public static final java.time.Duration ZOOKEEPER_REQUEST_TIMEOUT = java.time.Duration.ofSeconds(5);

    /**
     * Bounds every synchronous ZooKeeper request made in this JVM (the lock manager's, the fence's proofs, the node's
     * registry) to {@link #ZOOKEEPER_REQUEST_TIMEOUT}, unless {@code zookeeper.request.timeout} is already set. Without
     * it a request that its server never answers waits for ever: in a chaos run a restarted primary's start hung for
     * good in the lock manager's {@code delete} of a lease node while its own node's member had just rejoined the
     * ensemble, and its group never healed. A request that times out fails like a lost connection: the activation
     * fails, the broker stops, and the node starts it again.
     */
    public static void boundZooKeeperRequests() {
        if (System.getProperty(org.apache.zookeeper.client.ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT) == null) {
            System.setProperty(org.apache.zookeeper.client.ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, String.valueOf(ZOOKEEPER_REQUEST_TIMEOUT.toMillis()));
        }
    }

    /**
     * Adds the HA policy, connectors and the cluster connection to {@code config}. The first peer is the other broker
     * of the group; the others are the rest of the cluster, which the cluster connection joins with on-demand load
     * balancing so that a consumer on any broker receives messages produced on any other. With TLS the URLs say only
     * {@code sslEnabled=true}: the node's stores reach its connectors through {@link ClusterTls}.
     */
    public Configuration applyTo(Configuration config) throws Exception {
        boundZooKeeperRequests();
        config.setName(group + "-" + role.name().toLowerCase(Locale.ROOT));
        config.setClusterUser(clusterUser).setClusterPassword(clusterPassword);
        // advertised to every client in the topology, so with TLS it names the broker (clients match the name with
        // their own settings) but carries no stores or passwords; plain clusters keep the name they were proven with
        String self = selfUrl.contains("sslEnabled=true") ? ClientUrls.connectorName(selfUrl) : "self";
        config.addConnectorConfiguration(self, selfUrl);
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < peerUrls.size(); i++) {
            config.addConnectorConfiguration("peer-" + i, peerUrls.get(i));
            peers.add("peer-" + i);
        }
        config.addClusterConfiguration(new ClusterConnectionConfiguration()
                .setName(CLUSTER_NAME)
                .setConnectorName(self)
                .setStaticConnectors(peers)
                .setMessageLoadBalancingType(MessageLoadBalancingType.ON_DEMAND)
                .setMaxHops(1)
                .setRetryInterval(500)
                .setReconnectAttempts(-1)
                // Artemis's 60 s default lets a backup cut off from its primary by a silent network partition wait a
                // minute before it even asks for the lock; the clients' values make it ask within seconds
                .setClientFailureCheckPeriod(1_000)
                .setConnectionTTL(3_000));
        // a message left on a broker whose consumers went away moves to a broker that has some
        config.getAddressSettings().values().forEach(a -> a.setRedistributionDelay(0));
        DistributedLockManagerConfiguration lockManager = new DistributedLockManagerConfiguration(
                CuratorDistributedLockManager.class.getName(),
                Map.of("connect-string", zooKeeper,
                        "session-ms", String.valueOf(lockSession.toMillis()),
                        // Curator warns, and waits longer than a session to connect, unless this is below session-ms
                        "connection-ms", String.valueOf(Math.min(8_000, lockSession.toMillis() / 2)),
                        "session-percent", String.valueOf(SESSION_PERCENT),
                        // a lock or sequence operation that meets a ZooKeeper leader election is retried for 2 s (Artemis
                        // retries once after 1 s): a backup whose read failed mid-failover gave up its failover for good
                        "retries", "4",
                        "retries-ms", "500",
                        "namespace", LOCK_NAMESPACE));
        if (role == Role.PRIMARY) {
            ReplicationPrimaryPolicyConfiguration primary = ReplicationPrimaryPolicyConfiguration.withDefault()
                    .setGroupName(group)
                    .setClusterName(CLUSTER_NAME)
                    .setDistributedManagerConfiguration(lockManager)
                    .setInitialReplicationSyncTimeout(INITIAL_SYNC_TIMEOUT_MS);
            primary.setCoordinationId(group);
            config.setHAPolicyConfiguration(primary);
        } else {
            config.setHAPolicyConfiguration(ReplicationBackupPolicyConfiguration.withDefault()
                    .setGroupName(group)
                    .setClusterName(CLUSTER_NAME)
                    .setAllowFailBack(true)
                    .setInitialReplicationSyncTimeout(INITIAL_SYNC_TIMEOUT_MS)
                    .setDistributedManagerConfiguration(lockManager));
        }
        return config;
    }
}
