package io.junction.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches a passive broker that believes it is in sync with an active peer that no longer replicates to it. Seen on a
 * restarted cluster: the passive broker's replication connection timed out during the initial copy while the active
 * one held its journal for the 30 s Artemis waits for the copy's end; the active broker then dropped replication, the
 * passive one had completed its copy on the connection it still held, and both waited for ever, the group UNPROTECTED
 * and the passive broker reporting "in sync". It happens both to a backup copying its primary and to a returning
 * primary copying the backup that took over (before failback). The passive broker's node asks its peer; when the peer
 * has been active without a copy in sync for {@code grace} while the passive broker claims to be in sync, the passive
 * broker is to be started anew (it registers again and copies the journal afresh). Restarting a passive broker never
 * affects what the active one serves.
 */
final class StaleReplicaWatch {
    private static final Logger LOG = LoggerFactory.getLogger(StaleReplicaWatch.class);
    /** How often the passive broker's state is looked at (and its peer asked while it claims to be in sync). */
    static final Duration PERIOD = Duration.ofSeconds(5);

    /** What the passive broker's active peer answered. */
    enum Peer { REPLICATING, ALONE, UNKNOWN }

    private final Duration grace;
    private final LongSupplier nanos;
    private boolean seen;
    private long since;

    StaleReplicaWatch(Duration grace, LongSupplier nanos) {
        this.grace = grace;
        this.nanos = nanos;
    }

    /**
     * One look: {@code state} is the passive broker's {@link ClusterNode#describe} and {@code peer} asks its
     * active peer (only while the passive broker claims to be in sync). True when it should be started anew.
     */
    boolean stale(String state, Supplier<Peer> peer) {
        if (!state.equals("passive, in sync") || peer.get() != Peer.ALONE) {
            seen = false;
            return false;
        }
        long now = nanos.getAsLong();
        if (!seen) {
            seen = true;
            since = now;
            return false;
        }
        if (now - since >= grace.toNanos()) {
            seen = false;
            return true;
        }
        return false;
    }

    /**
     * Looks at {@code passive} every {@link #PERIOD} on a thread of its own (asking may take seconds) and runs
     * {@code restart} with the reason when it is stale; closing the result stops the looking.
     */
    static AutoCloseable start(String name, Duration grace, Supplier<ActiveMQServer> passive, String peerUrl, String user, String password,
                               java.util.function.Consumer<String> restart) {
        StaleReplicaWatch watch = new StaleReplicaWatch(grace, System::nanoTime);
        return Periodic.every("junction-replica-watch-" + name, PERIOD, () -> {
            ActiveMQServer server = passive.get();
            if (server != null && watch.stale(ClusterNode.describe(server), () -> ask(peerUrl, user, password))) {
                restart.accept("has claimed to be in sync for " + grace.toSeconds() + "s while its group's active broker reports no copy in "
                        + "sync; starting it again to copy the journal afresh");
            }
        }, e -> LOG.error("Watching {} failed: {}", name, e.getMessage(), e));
    }

    /** Asks the broker at {@code url} (a URL with {@link BrokerAttributes#QUERY}) whether it is active with a copy in sync. */
    static Peer ask(String url, String user, String password) {
        try {
            var values = BrokerAttributes.read(url, user, password, "active", "replicaSync");
            if (!Boolean.TRUE.equals(values.get("active"))) {
                return Peer.UNKNOWN;
            }
            return Boolean.TRUE.equals(values.get("replicaSync")) ? Peer.REPLICATING : Peer.ALONE;
        } catch (Exception e) {
            return Peer.UNKNOWN;
        }
    }
}
