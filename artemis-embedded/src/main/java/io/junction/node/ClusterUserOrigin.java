package io.junction.node;

import io.junction.security.JunctionSecurityManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQMessageBundle;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;

/**
 * Artemis lets its cluster user in with the cluster secret alone, never asking the security manager, and then lets it
 * do anything on every protocol. Its sessions are therefore admitted only where the cluster needs them: over CORE,
 * from the hosts of the cluster's nodes (none, on a single node). Any other is refused with the same answer as a
 * wrong secret, logged and counted like a failed login.
 */
public final class ClusterUserOrigin implements ActiveMQServerSessionPlugin {
    private final String clusterUser;
    private final Set<InetAddress> nodes;
    private final JunctionSecurityManager security;

    public ClusterUserOrigin(String clusterUser, Set<InetAddress> nodes, JunctionSecurityManager security) {
        this.clusterUser = clusterUser;
        this.nodes = Set.copyOf(nodes);
        this.security = security;
    }

    /** Every address of every host named, as the node's sessions may come from any of them. */
    public static Set<InetAddress> resolve(Iterable<String> hosts) {
        java.util.HashSet<InetAddress> all = new java.util.HashSet<>();
        for (String host : hosts) {
            try {
                all.addAll(java.util.List.of(InetAddress.getAllByName(host)));
            } catch (UnknownHostException e) {
                // StartupChecks has checked the node's own host; a peer that cannot be resolved cannot be admitted
            }
        }
        return all;
    }

    @Override
    public void beforeCreateSession(String name, String username, int minLargeMessageSize, RemotingConnection connection, boolean autoCommitSends,
            boolean autoCommitAcks, boolean preAcknowledge, boolean xa, String defaultAddress, SessionCallback callback, boolean autoCreateQueues,
            OperationContext context, Map<SimpleString, RoutingType> prefixes) throws ActiveMQException {
        if (!clusterUser.equals(username) || connection == null) {
            return;
        }
        String remote = connection.getRemoteAddress();
        if (remote == null || remote.startsWith("invm")) {
            return;
        }
        boolean core = "CORE".equals(connection.getProtocolName());
        if (core && nodes.contains(addressOf(remote))) {
            return;
        }
        security.refused(username, connection, core ? "the cluster user logs in only from the cluster's nodes"
                : "the cluster user logs in only over CORE");
        throw ActiveMQMessageBundle.BUNDLE.unableToValidateClusterUser(username);
    }

    /** The address of {@code /127.0.0.1:54321} or {@code /[::1]:5672}, or null. */
    static InetAddress addressOf(String remote) {
        String a = remote.startsWith("/") ? remote.substring(1) : remote;
        String host = a.startsWith("[") ? a.substring(1, Math.max(1, a.indexOf(']'))) : a.lastIndexOf(':') > 0 && a.indexOf(':') == a.lastIndexOf(':')
                ? a.substring(0, a.lastIndexOf(':')) : a;
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
