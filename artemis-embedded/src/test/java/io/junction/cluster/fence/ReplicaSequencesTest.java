package io.junction.cluster.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Which replications a raise of the activation sequence has made stale. */
class ReplicaSequencesTest {
    @Test
    void aRaiseCoversOnlyTheReplicationsThatHadStoppedWhenItBegan() {
        ReplicaSequences replicas = new ReplicaSequences();
        assertFalse(replicas.pending(), "no replication ever began");
        boolean[] firstRuns = {true};
        boolean[] secondRuns = {true};
        BooleanSupplier first = () -> firstRuns[0];
        BooleanSupplier second = () -> secondRuns[0];
        replicas.began(first);
        assertTrue(replicas.pending(), "a replication's backup may hold a copy current at the broker's sequence");
        assertEquals(List.of(), replicas.stopped(), "a raise while the replication copies would not make its copy stale");
        firstRuns[0] = false;
        replicas.began(second); // dropped by Artemis, but still copying in its own thread
        List<BooleanSupplier> covering = replicas.stopped();
        assertEquals(List.of(first), covering);
        replicas.raised(covering);
        assertTrue(replicas.pending(), "the raise made stale a replication that was still copying");
        secondRuns[0] = false;
        replicas.raised(replicas.stopped());
        assertFalse(replicas.pending());
    }
}
