package io.junction.cluster;

import io.junction.cluster.fence.FencedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's two brokers serving: Artemis leaves some brokers stopped, stranded or stalled, and the node starts
 * them anew ({@link #rebuild}), never two instances on one journal. Whether a broker may serve is still decided by
 * the ZooKeeper lock, never here. Looked at every half second by the node ({@link #watch}).
 */
final class BrokerWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final Duration RESTART_BACKOFF = Duration.ofSeconds(2);
    private static final Duration RESTART_GRACE = Duration.ofSeconds(10);
    /** How long a broker reported stopped may have parts still running before they count as left over ({@link BrokerLeftovers}). */
    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(1);
    private static final Duration STRANDED_GRACE = Duration.ofSeconds(15);
    private static final Duration STALL_GRACE = Duration.ofSeconds(45);
    /** How long a fenced broker may hold a client's completion before it is logged, and before it is started anew. */
    private static final Duration FENCE_WARN = Duration.ofSeconds(5);
    private static final Duration FENCE_GRACE = Duration.ofSeconds(20);

    private final int node;
    private final BooleanSupplier closed;
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();
    private final Map<String, RetiredBrokers> retiredBrokers = new ConcurrentHashMap<>();

    /** For node {@code node}; {@code closed} says when the node is closing, after which nothing is started. */
    BrokerWatchdog(int node, BooleanSupplier closed) {
        this.node = node;
        this.closed = closed;
    }

    /** One look at the node's brokers: restarts what must be, then stops any broker it replaced that runs again. */
    void watch(List<BrokerSlot> slots) {
        slots.forEach(this::restartIfStopped);
        slots.forEach(slot -> replaced(slot).stopRevived(slot.name()).forEach(found ->
                LOG.error("Node {}: the {}; stopping it (the new instance serves the journal)", node, found)));
    }

    /** The first start of {@code name}'s broker is under way: it is not watched for a stop until {@link #started}. */
    void starting(String name) {
        restarting.add(name);
    }

    void started(String name) {
        restarting.remove(name);
    }

    /**
     * Artemis stops an active broker that loses ZooKeeper, and a backup whose registration fails, without starting
     * them again; the node does, so that a broker returns as soon as ZooKeeper has a majority again. The lock manager
     * still decides whether it may serve: a primary whose journal is behind starts passive and resynchronises.
     */
    private void restartIfStopped(BrokerSlot slot) {
        ActiveMQServer server = slot.current().get().getActiveMQServer();
        if (closed.getAsBoolean() || server == null) {
            return;
        }
        long now = System.nanoTime();
        if (server.getState() != ActiveMQServer.SERVER_STATE.STOPPED) {
            slot.stoppedSince().set(0);
            strandedBackup(slot, server, now);
            heldTooLong(slot, now);
            return;
        }
        // Artemis stops and starts a broker itself on failback and after some failures; only one that stays stopped
        // is the node's to start, or two instances would fight over one journal and port
        slot.stoppedSince().compareAndSet(0, now);
        List<String> leftovers = BrokerLeftovers.running(server);
        if (!leftovers.isEmpty()) {
            // Artemis restarting it would have left STOPPED at once; stopped for a second with parts running, it is not
            if (now - slot.stoppedSince().get() >= LEFTOVER_GRACE.toNanos() && server.getState() == ActiveMQServer.SERVER_STATE.STOPPED) {
                LOG.error("Node {}: {} broker reports stopped but its {} still ran (its stop raced with its activation); stopping them",
                        node, slot.name(), String.join(", ", BrokerLeftovers.stop(server)));
                slot.stoppedSince().set(now);
            }
            return;
        }
        if (now - slot.stoppedSince().get() >= RESTART_GRACE.toNanos()) {
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
        if (!(slot.current().get() instanceof FencedBroker fenced) || fenced.fence() == null) {
            return;
        }
        long held = fenced.fence().heldFor(now);
        if (held < FENCE_WARN.toNanos()) {
            slot.fenceWarned().set(false);
            return;
        }
        if (slot.fenceWarned().compareAndSet(false, true)) {
            LOG.warn("Node {}: {} broker has held a client's completion for {} s: {}", node, slot.name(), FENCE_WARN.toSeconds(),
                    fenced.fence().holding());
        }
        // a new backup's copy proves them when it ends, and a restart would only start the copy again
        if (held >= FENCE_GRACE.toNanos() && !fenced.fence().waitsForACopy()) {
            slot.fenceWarned().set(false);
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
        String state = BrokerStateLog.describe(server);
        if (state.equals("passive, in sync") || state.startsWith("active")) {
            slot.inSyncSeen().set(true);
            slot.lostPeerSince().set(0);
            return;
        }
        if (!state.equals("passive, not in sync")) {
            slot.unchangedSince().set(0);
            return;
        }
        if (!slot.inSyncSeen().get()) {
            stalledReplica(slot, now);
            return;
        }
        slot.lostPeerSince().compareAndSet(0, now);
        if (now - slot.lostPeerSince().get() >= STRANDED_GRACE.toNanos()) {
            slot.inSyncSeen().set(false);
            slot.lostPeerSince().set(0);
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
        long fingerprint = fingerprint(slot.dir());
        if (fingerprint != slot.dataFingerprint().getAndSet(fingerprint) || slot.unchangedSince().get() == 0) {
            slot.unchangedSince().set(now);
            return;
        }
        if (now - slot.unchangedSince().get() >= STALL_GRACE.toNanos()) {
            slot.unchangedSince().set(0);
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
    void rebuild(BrokerSlot slot, String why, boolean stopFirst) {
        if (!restarting.add(slot.name())) {
            return;
        }
        slot.stoppedSince().set(0);
        LOG.warn("Node {}: {} broker {}", node, slot.name(), why);
        Thread starter = new Thread(() -> {
            try {
                if (stopFirst) {
                    slot.current().get().stop();
                }
                slot.server().filter(old -> old.getState() == ActiveMQServer.SERVER_STATE.STOPPED).ifPresent(old -> {
                    List<String> leftovers = BrokerLeftovers.stop(old);
                    if (!leftovers.isEmpty()) {
                        LOG.error("Node {}: {} broker's {} still ran after it stopped; stopped them", node, slot.name(),
                                String.join(", ", leftovers));
                    }
                });
                // a stopped Artemis server cannot always be started again (its node manager is gone): build a new one.
                // close() stops whatever the slot holds; a broker built after it began is never started, and one it
                // could not see yet (start() waits for ZooKeeper, so it runs outside the lock) is stopped here
                EmbeddedActiveMQ fresh;
                synchronized (slot) {
                    if (closed.getAsBoolean()) {
                        return;
                    }
                    fresh = slot.factory().call();
                    replaced(slot).retire(slot.current().get());
                    slot.current().set(fresh);
                }
                fresh.start();
                if (closed.getAsBoolean()) {
                    fresh.stop();
                }
            } catch (Exception e) {
                LOG.error("Node {}: {} broker failed to start again: {}", node, slot.name(), e.getMessage());
                sleepQuietly(RESTART_BACKOFF);
            } finally {
                restarting.remove(slot.name());
            }
        }, "junction-restart-" + slot.name().replace(' ', '-'));
        starter.setDaemon(true);
        starter.start();
    }

    /** The brokers of {@code slot} that the node replaced ({@link RetiredBrokers}), watched for a minute each. */
    private RetiredBrokers replaced(BrokerSlot slot) {
        return retiredBrokers.computeIfAbsent(slot.name(), k -> new RetiredBrokers(Duration.ofMinutes(1)));
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
