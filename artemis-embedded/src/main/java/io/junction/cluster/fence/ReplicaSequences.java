package io.junction.cluster.fence;

/**
 * The replications a broker began that no raise of its activation sequence has yet made stale. A backup that was
 * replicated may hold a copy current at the sequence the broker had meanwhile, and would later be taken for in sync
 * there. So once no replication runs, the broker acknowledges nothing alone before it has raised the sequence after
 * every replication so far. Artemis raises it when a replication's connection closes, but not when it drops a
 * replication whose start failed, nor when a late close listener of an earlier replication's connection tears down
 * the next one (its failback "interrupted"). A raise made while no replication is current (under the activation's
 * replication lock) covers the replications counted before it: each began after Artemis made it current, so each
 * has ended.
 */
final class ReplicaSequences {
    private long registrations;
    private long covered;

    /** A replication begins. */
    synchronized void registered() {
        registrations++;
    }

    /** The replications so far: what a raise that begins now, with none current, will cover. */
    synchronized long count() {
        return registrations;
    }

    /** A raise begun when {@code count} replications had been counted, with none current, has succeeded. */
    synchronized void raised(long count) {
        covered = Math.max(covered, count);
    }

    /** Whether some replication began that no raise has made stale since. */
    synchronized boolean pending() {
        return registrations > covered;
    }
}
