package io.junction.cluster.fence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which registered backups a raise of the activation sequence has made stale. */
class ReplicaSequencesTest {
    @Test
    void aRaiseCoversTheRegistrationsBeforeItBeganAndNotOneDuringIt() {
        ReplicaSequences replicas = new ReplicaSequences();
        assertFalse(replicas.pending(), "no backup ever registered");
        replicas.registered();
        assertTrue(replicas.pending(), "a backup that registered may hold a copy current at the broker's sequence");
        long before = replicas.count();
        replicas.registered(); // a backup registers while the raise runs: its copy may begin after the raise
        replicas.raised(before);
        assertTrue(replicas.pending(), "the raise made stale a backup that registered during it");
        replicas.raised(replicas.count());
        assertFalse(replicas.pending());
        replicas.raised(before);
        assertFalse(replicas.pending(), "an older raise finishing late uncovered a registration");
    }
}
