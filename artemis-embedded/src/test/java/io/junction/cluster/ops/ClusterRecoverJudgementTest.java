package io.junction.cluster.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How `junction cluster recover` decides, group by group, from ZooKeeper's activation sequence and the journals'. */
class ClusterRecoverJudgementTest {
    private static String action(long zooKeeper, Map<String, Long> journals, Map<String, Long> setAside) {
        return GroupRecovery.judge("g1", zooKeeper, journals, setAside).action();
    }

    @Test
    void aJournalMatchingZooKeeperNeedsNothing() {
        assertEquals("ok", action(3, Map.of("node 1 primary", 3L, "node 2 backup", 2L), Map.of()));
        // an increment under way (claimed as -4): Artemis repairs it itself from sequence 3 or 4
        assertEquals("ok", action(-4, Map.of("node 1 primary", 3L), Map.of()));
    }

    @Test
    void aLostZooKeeperRecordIsSetToTheNewestJournal() {
        GroupRecovery.Verdict v = GroupRecovery.judge("g1", 0, Map.of("node 1 primary", 5L, "node 2 backup", 4L), Map.of());
        assertEquals("repair", v.action());
        assertEquals("ZooKeeper has no record; set to the newest journal's 5", v.detail());
    }

    @Test
    void itRefusesWhenTheNewestCopyIsNotInPlace() {
        assertEquals("REFUSED", action(7, Map.of("node 1 primary", 5L, "node 2 backup", 5L), Map.of()));
        assertEquals("REFUSED", action(0, Map.of(), Map.of()));
        assertEquals("REFUSED", action(2, Map.of("node 1 primary", 4L), Map.of()));
        // ZooKeeper accepts an older copy than one present: activating it would lose what the newer one holds
        assertEquals("REFUSED", action(3, Map.of("node 1 primary", 3L, "node 2 backup", 5L), Map.of()));
        assertEquals("REFUSED", action(3, Map.of("node 1 primary", 3L), Map.of("/d/g1-backup/journal/oldreplica.1", 4L)));
        // a set-aside copy newer than the one ZooKeeper records, or older than it: which is current cannot be told
        assertEquals("REFUSED", action(1, Map.of(), Map.of("/d/g1-primary/journal/oldreplica.1", 2L)));
        assertEquals("REFUSED", action(3, Map.of(), Map.of("/d/g1-primary/journal/oldreplica.1", 2L)));
    }

    @Test
    void aSetAsideCopyIsRestoredWhenZooKeeperHasNoRecordOrAgrees() {
        GroupRecovery.Verdict aside = GroupRecovery.judge("g1", 0, Map.of("node 2 backup", 1L),
                Map.of("/d/g1-primary/journal/oldreplica.1", 2L));
        assertEquals("restore", aside.action());
        assertEquals("/d/g1-primary/journal/oldreplica.1", aside.restoreFrom());
        assertEquals(2, aside.target());
        assertEquals("restore", action(2, Map.of(), Map.of("/d/g1-primary/journal/oldreplica.1", 2L)));
    }
}
