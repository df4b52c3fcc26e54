package io.junction.consume.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.junction.consume.event.Correlator.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One problem per cause: repeats, recoveries, flapping and the consequences of a down device. */
class CorrelatorTest {
    private final Correlator correlator = new Correlator();
    private Instant now = Instant.parse("2026-12-02T00:00:00Z");

    private Correlator.Change event(String device, String type, String instance, String severity) {
        now = now.plusSeconds(60);
        return correlator.take(new Incoming("acme", "hq", device, type, instance, severity, now));
    }

    @Test
    void aRepeatCountsAndTheRecoveryClosesTheProblem() {
        Correlator.Change opened = event("core-1", "device-unreachable", "", "major");
        assertEquals(Outcome.OPENED, opened.outcome());
        Correlator.Change again = event("core-1", "device-unreachable", "", "major");
        assertEquals(Outcome.REPEATED, again.outcome());
        assertEquals(2, again.problem().count());
        assertEquals(opened.problem().id(), again.problem().id(), "one problem");
        Correlator.Change closed = event("core-1", "device-reachable", "", "normal");
        assertEquals(Outcome.CLOSED, closed.outcome());
        assertFalse(closed.problem().open());
        assertEquals(List.of(), correlator.open());
        assertEquals(Outcome.RECORDED, event("core-1", "device-reachable", "", "normal").outcome(), "a recovery of nothing opens nothing");
        assertEquals(Outcome.OPENED, event("core-2", "device-unreachable", "", "major").outcome(), "another device, another problem");
        assertEquals(Outcome.OPENED, event("core-1", "interface-down", "3", "minor").outcome());
        assertEquals(Outcome.OPENED, event("core-1", "interface-down", "4", "minor").outcome(), "another interface, another problem");
        assertEquals(Outcome.RECORDED, event("core-1", "trap", "1.3.6.1.6.3.1.1.5.4", "normal").outcome(), "normal events open nothing");
    }

    @Test
    void whileADeviceIsDownItsInterfacesAndTrapsAreItsConsequences() {
        Correlator.Change down = event("core-1", "device-unreachable", "", "major");
        assertEquals(Outcome.SUPPRESSED, event("core-1", "interface-down", "3", "minor").outcome());
        Correlator.Change trap = event("core-1", "trap", "1.3.6.1.6.3.1.1.5.3", "minor");
        assertEquals(Outcome.SUPPRESSED, trap.outcome());
        assertEquals(down.problem().id(), trap.problem().id());
        assertEquals(2, trap.problem().suppressed());
        assertEquals(1, correlator.open().size(), "one problem: the device");
        assertEquals(Outcome.OPENED, event("edge-1", "interface-down", "3", "minor").outcome(), "another device's interfaces are its own");
        event("core-1", "device-reachable", "", "normal");
        assertEquals(Outcome.OPENED, event("core-1", "interface-down", "3", "minor").outcome(), "once up, its interfaces count again");
    }

    @Test
    void aFlappingInterfaceIsOneFlappingProblem() {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            outcomes.add(event("core-1", "interface-down", "3", "minor").outcome());
            outcomes.add(event("core-1", "interface-up", "3", "normal").outcome());
        }
        assertEquals(List.of(Outcome.OPENED, Outcome.CLOSED, Outcome.OPENED, Outcome.FLAPPING, Outcome.REPEATED, Outcome.REPEATED,
                Outcome.REPEATED, Outcome.REPEATED), outcomes);
        List<Problem> open = correlator.open();
        assertEquals(1, open.size());
        assertEquals("flapping", open.get(0).type());
        assertEquals("interface-down:3", open.get(0).instance());
        assertEquals(8, open.get(0).count(), "every change counted on it");
        // quiet for the window: the flapping ends, and the next change is judged on its own
        now = now.plus(Correlator.FLAP_WINDOW).plus(Duration.ofMinutes(1));
        assertEquals(Outcome.OPENED, event("core-1", "interface-down", "3", "minor").outcome());
        assertNull(correlator.openOf("acme", "core-1").stream().filter(p -> p.type().equals("flapping")).findFirst().orElse(null));
        List<Problem> ended = correlator.drainEnded();
        assertEquals(1, ended.size());
        assertEquals("flapping", ended.get(0).type());
        assertFalse(ended.get(0).open(), "the flapping problem is closed when it ends");
    }

    @Test
    void aThingLeftDownWhenItsFlappingEndsIsOpenAndItsRecoveryClosesIt() {
        for (int i = 0; i < 2; i++) {
            event("core-1", "device-unreachable", "", "major");
            event("core-1", "device-reachable", "", "normal");
        }
        assertEquals(Outcome.REPEATED, event("core-1", "device-unreachable", "", "major").outcome(), "flapping, left down");
        now = now.plus(Duration.ofHours(2));
        Correlator.Change back = event("core-1", "device-reachable", "", "normal");
        assertEquals(Outcome.CLOSED, back.outcome(), "the device's own problem was open again once the flapping ended");
        assertEquals("device-unreachable", back.problem().type());
        assertEquals("major", back.problem().severity());
        assertEquals(List.of(), correlator.open());
        assertEquals("flapping", correlator.drainEnded().get(0).type());
    }
}
