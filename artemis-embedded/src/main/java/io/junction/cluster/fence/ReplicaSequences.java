package io.junction.cluster.fence;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The replications a broker began that no raise of its activation sequence has yet made stale. A backup that was
 * replicated may hold a copy current at the sequence the broker had while it copied, and would later be taken for in
 * sync there. So once no replication is current, the broker acknowledges nothing alone before it has raised the
 * sequence after every replication so far has stopped. Artemis raises it when a replication's connection closes, but
 * not when it drops a replication whose start failed, nor when a late close listener of an earlier replication's
 * connection tears down the next one (its failback "interrupted"); such a dropped replication may even go on copying
 * in its own thread and finish at a sequence raised meanwhile. A raise covers only the replications that had stopped
 * when it began.
 */
final class ReplicaSequences {
    private final List<BooleanSupplier> uncovered = new ArrayList<>();

    /** A replication begins; {@code running} says whether it still runs. */
    synchronized void began(BooleanSupplier running) {
        uncovered.add(running);
    }

    /** The replications that have stopped: what a raise that begins now will cover. */
    synchronized List<BooleanSupplier> stopped() {
        return uncovered.stream().filter(r -> !r.getAsBoolean()).toList();
    }

    /** A raise begun after {@code covered} had stopped has succeeded. */
    synchronized void raised(List<BooleanSupplier> covered) {
        uncovered.removeAll(covered);
    }

    /** Whether some replication began that no raise made after it stopped has made stale. */
    synchronized boolean pending() {
        return !uncovered.isEmpty();
    }
}
