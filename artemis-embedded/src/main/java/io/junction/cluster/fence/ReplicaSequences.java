package io.junction.cluster.fence;

/**
 * The activation sequences at which backups registered with a broker: a backup that registered may hold a copy
 * current at that sequence and would later be taken for in sync there, so the broker acknowledges nothing alone
 * before its sequence is above it. One that is still copying is the exception: Artemis resets the sequence of a
 * replica that loses its primary before the copy ends, and once the copy ends the replica holds everything that
 * waits (the copy began after it reached the disk).
 */
final class ReplicaSequences {
    private long last = -1;
    private long earlier = -1;

    /** A backup registers while the broker's sequence is {@code sequence}. */
    synchronized void registered(long sequence) {
        earlier = Math.max(earlier, last);
        last = sequence;
    }

    /** The sequence the broker must be above: every registration's, or all but the last one's while that one copies. */
    synchronized long toExceed(boolean lastStillCopying) {
        return lastStillCopying ? earlier : Math.max(earlier, last);
    }
}
