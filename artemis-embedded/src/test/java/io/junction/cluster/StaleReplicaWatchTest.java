package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.cluster.StaleReplicaWatch.Peer;
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
    void aPassiveBrokerClaimingSyncWithAPeerAloneForTheGraceIsStale() {
        assertFalse(watch.stale("passive, in sync", () -> Peer.ALONE));
        advance(19);
        assertFalse(watch.stale("passive, in sync", () -> Peer.ALONE));
        advance(1);
        assertTrue(watch.stale("passive, in sync", () -> Peer.ALONE));
        // a restart resets it: the next look starts the grace again
        assertFalse(watch.stale("passive, in sync", () -> Peer.ALONE));
    }

    @Test
    void anyOtherAnswerOrStateStartsTheGraceAgain() {
        assertFalse(watch.stale("passive, in sync", () -> Peer.ALONE));
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Peer.REPLICATING));
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Peer.ALONE));
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Peer.UNKNOWN), "an unreachable or passive peer is never held against the passive broker");
        advance(15);
        assertFalse(watch.stale("passive, in sync", () -> Peer.ALONE));
        advance(15);
        assertFalse(watch.stale("passive, not in sync", () -> Peer.ALONE), "a broker still copying is the stall check's business");
        advance(30);
        assertFalse(watch.stale("active, UNPROTECTED", () -> Peer.ALONE));
    }

    @Test
    void thePeerIsAskedOnlyWhileThePassiveBrokerClaimsToBeInSync() {
        AtomicInteger asked = new AtomicInteger();
        watch.stale("passive, not in sync", () -> Peer.values()[asked.incrementAndGet() % 3]);
        watch.stale("stopped", () -> Peer.values()[asked.incrementAndGet() % 3]);
        watch.stale("active, replicated", () -> Peer.values()[asked.incrementAndGet() % 3]);
        assertEquals(0, asked.get());
        watch.stale("passive, in sync", () -> Peer.values()[asked.incrementAndGet() % 3]);
        assertEquals(1, asked.get());
    }

    @Test
    void aPeerThatCannotBeReachedIsUnknown() {
        assertEquals(Peer.UNKNOWN, StaleReplicaWatch.ask("tcp://127.0.0.1:1?" + BrokerAttributes.QUERY, "u", "p"));
    }
}
