package io.junction.cluster.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The sequence an active broker must be above before it acknowledges alone, as backups register. */
class ReplicaSequencesTest {
    @Test
    void everyRegisteredBackupCountsExceptTheLastWhileItIsStillCopying() {
        ReplicaSequences replicas = new ReplicaSequences();
        assertEquals(-1, replicas.toExceed(false), "no backup ever registered");
        replicas.registered(3);
        assertEquals(3, replicas.toExceed(false), "a backup that registered at 3 may hold a copy current at 3");
        assertEquals(-1, replicas.toExceed(true), "a copy still running holds what waits once it ends");
        replicas.registered(4);
        assertEquals(4, replicas.toExceed(false));
        assertEquals(3, replicas.toExceed(true), "the backup before the one copying still counts");
        replicas.registered(4);
        assertEquals(4, replicas.toExceed(true), "a second registration at 4 leaves the first one's copy counted");
    }
}
