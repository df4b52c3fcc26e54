package io.junction.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.cluster.Bridge;
import org.apache.activemq.artemis.core.server.cluster.ClusterConnection;
import org.apache.activemq.artemis.core.server.cluster.RemoteQueueBinding;
import org.apache.activemq.artemis.core.server.cluster.impl.BridgeImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches messages stranded on an active broker whose cluster connection has lost track of another group's consumers.
 * A broker forwards a queue's messages to another group only while its record of that group (kept from the
 * notifications the group's broker sends over the cluster bridge) counts a consumer there; chaos runs left tens of
 * thousands of messages on one group while the only consumer sat on another, the record counting none, for the rest
 * of the run. Every {@link #PERIOD} this watch looks at the broker's queues: one holding messages with no consumer
 * of its own but a counted one elsewhere gets its redistribution prompted; one holding messages for {@link #GRACE}
 * with no consumer counted anywhere makes the node ask the other groups' active brokers (at most once per
 * {@link #ASK_INTERVAL}). When one of them has a consumer on that queue, the record is stale: the broker's cluster
 * bridges are reconnected, which is what a lost connection does, and which makes each group send its bindings and
 * consumers afresh; the consumers it then learns of start the redistribution.
 * <p>
 * Artemis never redistributes a message of a message group ({@code JMSXGroupID}: Junction's pollers group each
 * device's messages): its redistributor passes them over, so a group's messages that reach a broker while its only
 * consumers are on another group (a consumer failing over, a client on another broker) would stay there for good.
 * This watch moves them: grouped messages of a queue with no consumer of its own and a counted one elsewhere are
 * routed, in queue order, through the cluster binding of the group with the most consumers, as the redistributor
 * does with the others.
 */
final class StrandedMessageWatch {
    private static final Logger LOG = LoggerFactory.getLogger(StrandedMessageWatch.class);
    static final Duration PERIOD = Duration.ofSeconds(5);
    static final Duration GRACE = Duration.ofSeconds(10);
    static final Duration ASK_INTERVAL = Duration.ofSeconds(30);
    /** At most this many queues are asked about at once, so a broker full of idle queues costs bounded requests. */
    private static final int MAX_ASKED = 100;

    /** Asks the other groups how many consumers each of {@code queues} has there (the most any group reports). */
    interface Peers {
        Map<String, Integer> consumers(Set<String> queues);
    }

    /** A message of a message group. */
    private static final org.apache.activemq.artemis.core.filter.Filter GROUPED = grouped();

    private static org.apache.activemq.artemis.core.filter.Filter grouped() {
        try {
            return org.apache.activemq.artemis.core.filter.impl.FilterImpl.createFilter("AMQGroupID IS NOT NULL");
        } catch (org.apache.activemq.artemis.api.core.ActiveMQException e) {
            throw new IllegalStateException(e);
        }
    }

    private final String name;
    private final Map<String, Long> strandedSince = new HashMap<>();
    private long lastAsked = Long.MIN_VALUE;

    StrandedMessageWatch(String name) {
        this.name = name;
    }

    /**
     * One look at {@code server} at {@code now} (nanoseconds); returns the queues whose stale record it repaired
     * (empty when none).
     */
    Set<String> look(ActiveMQServer server, Peers peers, long now) throws Exception {
        ClusterConnection cluster = server == null || !server.isActive() ? null : server.getClusterManager().getClusterConnection(GroupSettings.CLUSTER_NAME);
        if (cluster == null || !cluster.isStarted()) {
            strandedSince.clear();
            return Set.of();
        }
        Map<String, Queue> idle = new HashMap<>();
        Map<String, RemoteQueueBinding> remote = new HashMap<>();
        server.getPostOffice().getAllBindings().forEach(b -> {
            if (b instanceof LocalQueueBinding local && watched(server, local.getQueue()) && local.getQueue().getMessageCount() > 0
                    && local.getQueue().getConsumerCount() == 0) {
                idle.put(local.getQueue().getName().toString(), local.getQueue());
            } else if (b instanceof RemoteQueueBinding r && r.isConnected() && r.consumerCount() > 0) {
                remote.merge(r.getRoutingName().toString(), r, (a, c) -> c.consumerCount() > a.consumerCount() ? c : a);
            }
        });
        strandedSince.keySet().retainAll(idle.keySet());
        for (Map.Entry<String, Queue> q : idle.entrySet()) {
            RemoteQueueBinding elsewhere = remote.get(q.getKey());
            if (elsewhere != null) {
                // a consumer elsewhere is known: make sure the redistribution runs (a no-op when it does), and move
                // the grouped messages it passes over
                strandedSince.remove(q.getKey());
                q.getValue().addRedistributor(0);
                moveGrouped(q.getValue(), elsewhere);
            } else {
                strandedSince.putIfAbsent(q.getKey(), now);
            }
        }
        // the longest-stranded first, so that a broker with many idle queues gets round to each
        Set<String> due = new HashSet<>();
        strandedSince.entrySet().stream().filter(e -> now - e.getValue() >= GRACE.toNanos()).sorted(Map.Entry.comparingByValue())
                .limit(MAX_ASKED).forEach(e -> due.add(e.getKey()));
        if (due.isEmpty() || lastAsked != Long.MIN_VALUE && now - lastAsked < ASK_INTERVAL.toNanos()) {
            return Set.of();
        }
        lastAsked = now;
        Map<String, Integer> elsewhere = peers.consumers(due);
        Set<String> stale = new HashSet<>();
        for (String q : due) {
            if (elsewhere.getOrDefault(q, 0) > 0) {
                stale.add(q);
            }
        }
        if (stale.isEmpty()) {
            return Set.of();
        }
        List<String> what = new ArrayList<>();
        for (String q : stale) {
            what.add(q + " (" + idle.get(q).getMessageCount() + " messages here, " + elsewhere.get(q) + " consumers elsewhere)");
            strandedSince.remove(q);
        }
        LOG.warn("The {} broker holds messages no consumer of its own takes while another group has consumers its cluster connection does "
                + "not know of: {}; reconnecting its cluster bridges so that every group tells it its consumers afresh", name, what);
        for (Bridge bridge : cluster.getBridges()) {
            if (bridge instanceof BridgeImpl impl) {
                impl.connectionFailed(new ActiveMQNotConnectedException("Junction refreshes the cluster's record of remote consumers"), false);
            }
        }
        return stale;
    }

    /**
     * Routes {@code queue}'s grouped messages (those not being delivered) through {@code to}, the cluster binding of
     * the same queue on another group; returns how many. Each is copied and acknowledged in one transaction, as the
     * broker's own move does.
     */
    static int moveGrouped(Queue queue, RemoteQueueBinding to) {
        try {
            int moved = queue.moveReferences(GROUPED, queue.getAddress(), to);
            if (moved > 0) {
                LOG.info("Moved {} grouped messages of {} to {}, where its consumers are: the cluster does not redistribute message groups",
                        moved, queue.getName(), to.getClusterName());
            }
            return moved;
        } catch (Exception e) {
            LOG.warn("Moving the grouped messages of {} to another group failed: {}", queue.getName(), e.toString());
            return 0;
        }
    }

    /** Client queues only: not Artemis's own (store-and-forward, notifications), not management replies, not temporary ones. */
    private static boolean watched(ActiveMQServer server, Queue queue) {
        String address = queue.getAddress().toString();
        return !queue.isInternalQueue() && !queue.isTemporary() && !address.startsWith(server.getConfiguration().getManagementAddress().toString())
                && !address.startsWith(server.getConfiguration().getManagementNotificationAddress().toString()) && !address.startsWith("$.artemis.");
    }

    /**
     * Looks at {@code broker} every {@link #PERIOD} on a thread of its own (asking peers may take seconds); {@code
     * peerUrls} are the other groups' brokers (with {@link BrokerAttributes#QUERY}). Closing the result stops it.
     */
    static AutoCloseable start(String name, Supplier<ActiveMQServer> broker, List<String> peerUrls, String user, String password) {
        StrandedMessageWatch watch = new StrandedMessageWatch(name);
        Peers peers = queues -> ask(peerUrls, user, password, queues);
        return Periodic.every("junction-stranded-watch-" + name, PERIOD, () -> watch.look(broker.get(), peers, System.nanoTime()),
                e -> LOG.warn("Looking for stranded messages on the {} broker failed: {}", name, e.toString()));
    }

    /** The most consumers any of the brokers at {@code urls} reports on each of {@code queues}; brokers that do not answer count none. */
    static Map<String, Integer> ask(List<String> urls, String user, String password, Set<String> queues) {
        Map<String, Integer> most = new HashMap<>();
        List<String> resources = queues.stream().map(q -> ResourceNames.QUEUE + q).toList();
        for (String url : urls) {
            try {
                BrokerAttributes.readEach(url, user, password, "consumerCount", resources).forEach((resource, value) -> {
                    if (value instanceof Number n) {
                        most.merge(resource.substring(ResourceNames.QUEUE.length()), n.intValue(), Math::max);
                    }
                });
            } catch (Exception e) {
                // a passive backup, a stopped or unreachable broker: no consumers there
                LOG.debug("Asking {} for consumers failed: {}", url, e.toString());
            }
        }
        return most;
    }
}
