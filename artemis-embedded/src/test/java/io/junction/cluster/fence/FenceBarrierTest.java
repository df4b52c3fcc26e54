package io.junction.cluster.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.testing.Waits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.junit.jupiter.api.Test;

/**
 * The fence's ordering rules on their own: the answer to a duplicate waits for every completion registered before it,
 * completions alone wait for a proof and then run in order, and a stopping broker fails whatever still waits.
 */
class FenceBarrierTest {
    private final List<String> answered = new CopyOnWriteArrayList<>();

    private IOCallback recorder(String name) {
        return new IOCallback() {
            @Override
            public void done() {
                answered.add(name);
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
                answered.add(name + " failed");
            }
        };
    }

    /** A session of its own for each completion, unless a test says otherwise. */
    private static java.util.concurrent.atomic.AtomicLong session() {
        return new java.util.concurrent.atomic.AtomicLong(-1);
    }

    @Test
    void theAnswerToADuplicateWaitsForTheSendItDuplicates() {
        Fence fence = new Fence("test", () -> true);
        fence.proveWith(() -> true);
        IOCallback original = fence.gate(recorder("original"), false, fence.epoch(), false, session());
        IOCallback duplicate = fence.gate(recorder("duplicate"), true, fence.epoch(), true, session());
        duplicate.done();
        assertEquals(List.of(), answered, "the duplicate was answered while the send it duplicates was not");
        original.done();
        Waits.until(Duration.ofSeconds(10), "the duplicate's answer after its proof", () -> answered.size() == 2);
        assertEquals(List.of("original", "duplicate"), answered);
    }

    @Test
    void aDuplicateOfASendThatFailsIsNotAnsweredAsStored() {
        Fence fence = new Fence("test", () -> false);
        fence.proveWith(() -> false);
        IOCallback original = fence.gate(recorder("original"), true, fence.epoch(), false, session());
        IOCallback duplicate = fence.gate(recorder("duplicate"), true, fence.epoch(), true, session());
        original.done();
        duplicate.done();
        assertEquals(List.of(), answered, "answered without a proof");
        fence.fail("stopping");
        assertEquals(List.of("original failed", "duplicate failed"), answered);
    }

    @Test
    void onceAStoppingBrokerFailedASessionsCompletionNoLaterOneOfThatSessionPasses() {
        Fence fence = new Fence("test", () -> true);
        fence.proveWith(() -> false);
        java.util.concurrent.atomic.AtomicLong bridge = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.atomic.AtomicLong other = new java.util.concurrent.atomic.AtomicLong(-1);
        // a send written alone waits for a proof; the stop fails it
        IOCallback alone = fence.gate(recorder("alone"), true, fence.epoch(), false, bridge);
        alone.done();
        fence.fail("stopping");
        // the same session's next send was replicated, and nothing waits: without the rule it would pass, and CORE's
        // cumulative confirmation would tell the client the failed send was stored too
        fence.gate(recorder("same session, covered"), false, fence.epoch(), false, bridge).done();
        fence.gate(recorder("other session, covered"), false, fence.epoch(), false, other).done();
        assertEquals(List.of("alone failed", "same session, covered failed", "other session, covered"), answered);
        // an error Artemis reports while stopping counts as well
        fence.gate(recorder("artemis"), false, fence.epoch(), false, other).onError(1, "stopping");
        fence.gate(recorder("after it"), false, fence.epoch(), false, other).done();
        assertEquals("after it failed", answered.get(answered.size() - 1));
        // the next activation starts afresh
        fence.passive();
        fence.proveWith(() -> true);
        fence.gate(recorder("next life"), false, fence.epoch(), false, bridge).done();
        assertEquals("next life", answered.get(answered.size() - 1));
    }

    @Test
    void aStopMarksEverySessionItFailsBeforeFailingAny() {
        Fence fence = new Fence("test", () -> true);
        fence.proveWith(() -> false);
        java.util.concurrent.atomic.AtomicLong first = session();
        java.util.concurrent.atomic.AtomicLong second = session();
        // while the stop fails the first session's waiting completion, the second session's next (covered) one
        // arrives, before the stop has come to the second session's own waiting completion
        IOCallback a = fence.gate(new IOCallback() {
            @Override
            public void done() {
                answered.add("first");
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
                answered.add("first failed");
                fence.gate(recorder("second, covered, in between"), false, fence.epoch(), false, second).done();
            }
        }, true, fence.epoch(), false, first);
        IOCallback b = fence.gate(recorder("second"), true, fence.epoch(), false, second);
        a.done();
        b.done();
        fence.fail("stopping");
        assertEquals(List.of("first failed", "second, covered, in between failed", "second failed"), answered);
    }

    @Test
    void aCompletionLinedUpBeforeABackupWasLostWaitsAndKeepsItsOrder() {
        Fence fence = new Fence("test", () -> true);
        boolean[] provable = {false};
        fence.proveWith(() -> provable[0]);
        IOCallback first = fence.gate(recorder("first"), false, fence.epoch(), false, session());
        fence.replicaLost();
        IOCallback second = fence.gate(recorder("second"), false, fence.epoch(), false, session());
        first.done();
        second.done();
        assertEquals(List.of(), answered, "a completion whose replication was declared done without the backup passed, or one overtook it");
        provable[0] = true;
        Waits.until(Duration.ofSeconds(10), "both answers after a proof", () -> answered.size() == 2);
        assertEquals(List.of("first", "second"), answered);
    }

    @Test
    void aCompletionHeldIsMeasuredFromItsArrivalAndTheProofSaysWhyItFails() {
        Fence fence = new Fence("test", () -> false);
        fence.proveWith(new Proof() {
            @Override
            public boolean prove() {
                return false;
            }

            @Override
            public String why() {
                return "no lease";
            }
        });
        assertEquals(0, fence.heldFor(System.nanoTime()), "held before anything arrived");
        IOCallback original = fence.gate(recorder("original"), true, fence.epoch(), false, session());
        IOCallback duplicate = fence.gate(recorder("duplicate"), true, fence.epoch(), true, session());
        long before = System.nanoTime();
        duplicate.done();
        original.done();
        long later = System.nanoTime() + 7_000_000_000L;
        long held = fence.heldFor(later);
        assertTrue(held >= 7_000_000_000L && held <= later - before, "held for " + held + " ns");
        assertEquals("1 waiting for a proof (no lease), 1 answers to duplicates waiting for earlier completions, 2 completions unsettled", fence.holding());
        assertFalse(fence.waitsForACopy(), "a proof refused for want of a lease waits for no copy");
        fence.fail("stopping");
        assertEquals(0, fence.heldFor(later), "held after the broker failed them");
        fence.proveWith(new Proof() {
            @Override
            public boolean prove() {
                return false;
            }

            @Override
            public boolean waitsForACopy() {
                return true;
            }
        });
        assertTrue(fence.waitsForACopy(), "the node would restart a broker whose backup is still copying");
    }

    @Test
    void whatAnEarlierActivationLeftWaitingFailsAndHoldsNothingOfTheNext() {
        Fence fence = new Fence("test", () -> false);
        fence.proveWith(() -> false);
        IOCallback earlier = fence.gate(recorder("earlier"), true, fence.epoch(), false, session());
        earlier.done();
        assertEquals(List.of(), answered, "answered without a proof");
        // the broker restarts (a failed-back backup) without the stop having failed it
        fence.passive();
        assertEquals(List.of("earlier failed"), answered, "an earlier activation's completion was left waiting");
        fence.gate(recorder("passive"), false, fence.epoch(), false, session()).done();
        assertEquals(List.of("earlier failed", "passive"), answered, "a completion of the passive broker waited");
        assertEquals(0, fence.heldFor(System.nanoTime()));
    }
}
