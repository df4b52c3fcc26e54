package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.cluster.StaleReplicaWatch.Primary;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StaleReplicaWatchTest {
    private final AtomicLong clock = new AtomicLong(1);
    private final StaleReplicaWatch watch = new StaleReplicaWatch(Duration.ofSeconds(20), clock::get);

    private void advance(int seconds) {
        clock.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    @Test
    void backupClaimingSyncWithAPrimaryAloneForTheGraceIsStale() {
        assertFalse(watch.stale("passive, in sync", () -> Primary.ALONE));
        advance(19);
        assertFalse(watch.stale("passive, in sync", () -> Primary.ALONE));
        advance(1);
        assertTrue(watch.stale("passive, in sync", () -> Primary.ALONE));
        // a restart resets it: the next look starts the grace again
        assertFalse(watch.stale("passive, in sync", () -> Primary.ALONE));
    }

    @Test
    void anyOtherAnswerOrStateStartsTheGraceAgain() {
        assertFalse(watch.stale("passive, in sync", () -> Primary.ALONE));
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Primary.REPLICATING));
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Primary.ALONE));
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Primary.UNKNOWN), "an unreachable or passive primary is never held against the backup");
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Primary.ALONE));
        advance(15);
        assertFalse(watch.stale("passive, not in sync", () -> Primary.ALONE), "a backup still copying is the stall check's business");
        advance(30);
        assertFalse(watch.stale("active, UNPROTECTED", () -> Primary.ALONE));
    }

    @Test
    void thePrimaryIsAskedOnlyWhileTheBackupClaimsToBeInSync() {
        AtomicInteger asked = new AtomicInteger();
        watch.stale("passive, not in sync", () -> Primary.values()[asked.incrementAndGet() % 3]);
        watch.stale("stopped", () -> Primary.values()[asked.incrementAndGet() % 3]);
        watch.stale("active, replicated", () -> Primary.values()[asked.incrementAndGet() % 3]);
        assertEquals(0, asked.get());
        watch.stale("passive, in sync", () -> Primary.values()[asked.incrementAndGet() % 3]);
        assertEquals(1, asked.get());
    }

    @Test
    void aPrimaryThatCannotBeReachedIsUnknown() {
        assertEquals(Primary.UNKNOWN, StaleReplicaWatch.ask("tcp://127.0.0.1:1?" + BrokerAttributes.QUERY, "u", "p"));
    }
}
