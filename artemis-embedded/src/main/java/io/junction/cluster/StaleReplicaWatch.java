package io.junction.cluster;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches a backup that believes it is in sync with a primary that no longer replicates to it. Seen on a restarted
 * cluster: the backup's replication connection timed out during the initial copy while the primary held its journal
 * for the 30 s Artemis waits for the copy's end; the primary then dropped replication, the backup had completed its
 * copy on the connection it still held, and both waited for ever, the group UNPROTECTED and the backup reporting "in
 * sync". The backup's node asks the primary; when the primary has been active without a backup in sync for
 * {@code grace} while the backup claims to be in sync, the backup is to be started anew (it registers again and
 * copies the journal afresh). Restarting a passive backup never affects what the primary serves.
 */
final class StaleReplicaWatch {
    private static final Logger LOG = LoggerFactory.getLogger(StaleReplicaWatch.class);
    /** How often the backup's state is looked at (and the primary asked while the backup claims to be in sync). */
    static final Duration PERIOD = Duration.ofSeconds(5);

    /** What the group's primary answered. */
    enum Primary { REPLICATING, ALONE, UNKNOWN }

    private final Duration grace;
    private final LongSupplier nanos;
    private boolean seen;
    private long since;

    StaleReplicaWatch(Duration grace, LongSupplier nanos) {
        this.grace = grace;
        this.nanos = nanos;
    }

    /**
     * One look: {@code backupState} is the backup's {@link ClusterNode#describe} and {@code primary} asks the primary
     * (only while the backup claims to be in sync). True when the backup should be started anew.
     */
    boolean stale(String backupState, Supplier<Primary> primary) {
        if (!backupState.equals("passive, in sync") || primary.get() != Primary.ALONE) {
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
     * Looks at {@code backup} every {@link #PERIOD} on a thread of its own (asking may take seconds) and runs
     * {@code restart} with the reason when it is stale; closing the result stops the looking.
     */
    static AutoCloseable start(String name, Duration grace, Supplier<ActiveMQServer> backup, String primaryUrl, String user, String password,
                               java.util.function.Consumer<String> restart) {
        StaleReplicaWatch watch = new StaleReplicaWatch(grace, System::nanoTime);
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "junction-replica-watch-" + name.replace(' ', '-'));
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> {
            try {
                ActiveMQServer server = backup.get();
                if (server != null && watch.stale(ClusterNode.describe(server), () -> ask(primaryUrl, user, password))) {
                    restart.accept("has claimed to be in sync for " + grace.toSeconds() + "s while its group's primary reports no backup in sync; "
                            + "starting it again to copy the journal afresh");
                }
            } catch (RuntimeException e) {
                LOG.error("Watching {} failed: {}", name, e.getMessage(), e);
            }
        }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return thread::shutdownNow;
    }

    /** Asks the broker at {@code url} (a URL with {@link BrokerAttributes#QUERY}) whether it is active with a backup in sync. */
    static Primary ask(String url, String user, String password) {
        try {
            var values = BrokerAttributes.read(url, user, password, "active", "replicaSync");
            if (!Boolean.TRUE.equals(values.get("active"))) {
                return Primary.UNKNOWN;
            }
            return Boolean.TRUE.equals(values.get("replicaSync")) ? Primary.REPLICATING : Primary.ALONE;
        } catch (Exception e) {
            return Primary.UNKNOWN;
        }
    }
}
