package io.junction.cluster;

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
    private static final String LOCK_NAMESPACE = "junction";

    /** Adds the HA policy, connectors and the cluster connection to {@code config}. */
    public Configuration applyTo(Configuration config) throws Exception {
        config.setName(group + "-" + role.name().toLowerCase(Locale.ROOT));
        config.setClusterUser(clusterUser).setClusterPassword(clusterPassword);
        config.addConnectorConfiguration("self", selfUrl);
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < peerUrls.size(); i++) {
            config.addConnectorConfiguration("peer-" + i, peerUrls.get(i));
            peers.add("peer-" + i);
        }
        config.addClusterConfiguration(new ClusterConnectionConfiguration()
                .setName(CLUSTER_NAME)
                .setConnectorName("self")
                .setStaticConnectors(peers)
                .setMessageLoadBalancingType(MessageLoadBalancingType.ON_DEMAND)
                .setMaxHops(1)
                .setRetryInterval(500)
                .setReconnectAttempts(-1));
        DistributedLockManagerConfiguration lockManager = new DistributedLockManagerConfiguration(
                CuratorDistributedLockManager.class.getName(),
                Map.of("connect-string", zooKeeper,
                        "session-ms", String.valueOf(lockSession.toMillis()),
                        // Curator warns, and waits longer than a session to connect, unless this is below session-ms
                        "connection-ms", String.valueOf(Math.min(8_000, lockSession.toMillis() / 2)),
                        "namespace", LOCK_NAMESPACE));
        if (role == Role.PRIMARY) {
            ReplicationPrimaryPolicyConfiguration primary = ReplicationPrimaryPolicyConfiguration.withDefault()
                    .setGroupName(group)
                    .setClusterName(CLUSTER_NAME)
                    .setDistributedManagerConfiguration(lockManager);
            primary.setCoordinationId(group);
            config.setHAPolicyConfiguration(primary);
        } else {
            config.setHAPolicyConfiguration(ReplicationBackupPolicyConfiguration.withDefault()
                    .setGroupName(group)
                    .setClusterName(CLUSTER_NAME)
                    .setAllowFailBack(true)
                    .setDistributedManagerConfiguration(lockManager));
        }
        return config;
    }
}
