package io.junction.consume.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.consume.event.Correlator;
import io.junction.consume.event.Incoming;
import io.junction.consume.event.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the event store does on every database it supports: one problem per cause with its history, a message
 * delivered again changing nothing, a store reopened going on from what it kept (open problems and what the
 * correlator remembers), one tenant's problems invisible to another, and two writers racing on one device leaving one
 * problem with every event counted.
 */
abstract class EventStoreContract {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private final AtomicInteger messages = new AtomicInteger();

    /** Settings of an empty database of its own for each call. */
    abstract Database.Settings freshDatabase() throws Exception;

    /** Settings that reach the database {@code freshDatabase} made last, again. */
    abstract Database.Settings sameDatabase();

    private static Incoming event(String tenant, String device, String type, String instance, String severity, int second) {
        return new Incoming(tenant, "hq", device, type, instance, severity, T0.plusSeconds(second));
    }

    private EventStore.Recorded record(EventStore store, Incoming e) throws Exception {
        return store.record(e.tenant(), "m-" + messages.incrementAndGet(), e, null);
    }

    @Test
    void repeatsCountOnOneProblemAndTheRecoveryClosesItWithItsHistory() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            EventStore.Recorded first = record(store, event("acme", "core-1", "device-unreachable", "", "major", 0));
            assertEquals(Correlator.Outcome.OPENED, first.outcome());
            long id = first.problem().id();
            assertTrue(id > 0, "the store numbers it: " + id);
            assertEquals(Correlator.Outcome.REPEATED, record(store, event("acme", "core-1", "device-unreachable", "", "major", 60)).outcome());
            assertEquals(Correlator.Outcome.REPEATED, record(store, event("acme", "core-1", "device-unreachable", "", "major", 120)).outcome());
            List<EventStore.Stored> open = store.problems(new EventStore.Query("acme", true, null, null, null, 100));
            assertEquals(1, open.size(), "one problem, not one per event: " + open);
            assertEquals(3, open.get(0).problem().count());
            assertEquals(T0.plusSeconds(120), open.get(0).problem().lastSeen());
            EventStore.Recorded up = record(store, event("acme", "core-1", "device-reachable", "", "normal", 180));
            assertEquals(Correlator.Outcome.CLOSED, up.outcome());
            assertEquals(id, up.problem().id());
            assertTrue(store.problems(new EventStore.Query("acme", true, null, null, null, 100)).isEmpty(), "closed");
            EventStore.Stored closed = store.problem("acme", id).orElseThrow();
            assertEquals(T0.plusSeconds(180), closed.problem().closedAt());
            assertEquals(List.of("opened", "repeated", "repeated", "closed"), store.history("acme", id).stream().map(EventStore.Change::kind).toList());
        }
    }

    @Test
    void aMessageDeliveredAgainChangesNothing() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            Incoming down = event("acme", "core-1", "device-unreachable", "", "major", 0);
            assertFalse(store.record("acme", "poll/acme/hq/core-1/1", down, null).duplicate());
            EventStore.Recorded again = store.record("acme", "poll/acme/hq/core-1/1", down, null);
            assertTrue(again.duplicate(), "recorded before");
            assertEquals(1, store.problems(new EventStore.Query("acme", true, null, null, null, 100)).get(0).problem().count(), "not counted twice");
            assertFalse(store.record("beta", "poll/acme/hq/core-1/1", event("beta", "core-1", "device-unreachable", "", "major", 0), null).duplicate(),
                    "message ids are per tenant");
        }
    }

    @Test
    void aReopenedStoreGoesOnFromWhatItKept() throws Exception {
        long down;
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            down = record(store, event("acme", "core-1", "device-unreachable", "", "major", 0)).problem().id();
            // two changes of an interface before the restart...
            record(store, event("acme", "edge-1", "interface-down", "3", "minor", 0));
            record(store, event("acme", "edge-1", "interface-up", "3", "normal", 30));
        }
        try (Database db = Database.open(sameDatabase())) {
            EventStore store = new EventStore(db);
            EventStore.Recorded up = record(store, event("acme", "core-1", "device-reachable", "", "normal", 60));
            assertEquals(Correlator.Outcome.CLOSED, up.outcome(), "the open problem was kept");
            assertEquals(down, up.problem().id());
            // ...and two after: more than three within ten minutes is flapping
            record(store, event("acme", "edge-1", "interface-down", "3", "minor", 90));
            EventStore.Recorded flap = record(store, event("acme", "edge-1", "interface-up", "3", "normal", 120));
            assertEquals(Correlator.Outcome.FLAPPING, flap.outcome(), "the changes before the restart were remembered");
            List<EventStore.Stored> open = store.problems(new EventStore.Query("acme", true, "edge-1", null, null, 100));
            assertEquals(List.of("flapping"), open.stream().map(s -> s.problem().type()).toList());
            List<EventStore.Stored> all = store.problems(new EventStore.Query("acme", false, "edge-1", null, null, 100));
            Problem iface = all.stream().map(EventStore.Stored::problem).filter(p -> p.type().equals("interface-down") && p.firstSeen().equals(T0.plusSeconds(90)))
                    .findFirst().orElseThrow();
            assertNotNull(iface.closedAt(), "the interface's own problem became the flapping one");
            assertEquals("became flapping", store.history("acme", iface.id()).get(1).kind());
        }
    }

    @Test
    void aFlappingThatWentQuietEndsWithoutAnotherEventAndWhatWasLeftDownOpensAgain() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            // four changes in three minutes, the last leaving the interface down
            record(store, event("acme", "edge-1", "interface-down", "3", "minor", 0));
            record(store, event("acme", "edge-1", "interface-up", "3", "normal", 60));
            record(store, event("acme", "edge-1", "interface-down", "3", "minor", 120));
            EventStore.Recorded flap = record(store, event("acme", "edge-1", "interface-up", "3", "normal", 150));
            assertEquals(Correlator.Outcome.FLAPPING, flap.outcome());
            record(store, event("acme", "edge-1", "interface-down", "3", "minor", 180));
            assertEquals(0, store.endQuietFlapping("acme", T0.plusSeconds(180 + 540)), "nine minutes quiet: still flapping");
            assertEquals(List.of("flapping"), store.problems(new EventStore.Query("acme", true, "edge-1", null, null, 100)).stream()
                    .map(s -> s.problem().type()).toList());
            assertEquals(1, store.endQuietFlapping("acme", T0.plusSeconds(180 + 660)), "eleven minutes quiet: over");
            List<EventStore.Stored> open = store.problems(new EventStore.Query("acme", true, "edge-1", null, null, 100));
            assertEquals(List.of("interface-down"), open.stream().map(s -> s.problem().type()).toList(), "left down: its own problem again");
            assertEquals("minor", open.get(0).problem().severity());
            EventStore.Stored ended = store.problem("acme", flap.problem().id()).orElseThrow();
            assertNotNull(ended.problem().closedAt(), "the flapping problem closed");
            List<EventStore.Change> history = store.history("acme", flap.problem().id());
            assertEquals("ended", history.get(history.size() - 1).kind());
            assertEquals(0, store.endQuietFlapping("acme", T0.plusSeconds(180 + 720)), "nothing left to end");
            // the interface comes back: its reopened problem closes
            assertEquals(Correlator.Outcome.CLOSED, record(store, event("acme", "edge-1", "interface-up", "3", "normal", 900)).outcome());
        }
    }

    @Test
    void aDownDevicesInterfaceEventsAreItsConsequences() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            long id = record(store, event("acme", "core-1", "device-unreachable", "", "major", 0)).problem().id();
            EventStore.Recorded iface = record(store, event("acme", "core-1", "interface-down", "1", "minor", 5));
            assertEquals(Correlator.Outcome.SUPPRESSED, iface.outcome());
            List<EventStore.Stored> open = store.problems(new EventStore.Query("acme", true, null, null, null, 100));
            assertEquals(1, open.size(), "no problem of its own: " + open);
            assertEquals(id, open.get(0).problem().id());
            assertEquals(1, open.get(0).problem().suppressed());
        }
    }

    @Test
    void queriesFilterAndAnotherTenantsProblemsAreAbsent() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            long acme = record(store, event("acme", "core-1", "device-unreachable", "", "major", 0)).problem().id();
            record(store, event("acme", "core-2", "device-restarted", "", "warning", 10));
            long beta = record(store, event("beta", "core-1", "device-unreachable", "", "major", 20)).problem().id();
            assertEquals(2, store.problems(new EventStore.Query("acme", true, null, null, null, 100)).size());
            assertEquals(List.of(acme), ids(store.problems(new EventStore.Query("acme", true, null, "major", null, 100))), "major and above");
            assertEquals(List.of(acme), ids(store.problems(new EventStore.Query("acme", false, "core-1", null, null, 100))));
            assertEquals(1, store.problems(new EventStore.Query("acme", false, null, null, T0.plusSeconds(5), 100)).size(), "since");
            assertEquals(3, store.problems(new EventStore.Query(null, true, null, null, null, 100)).size(), "the operator sees all");
            assertTrue(store.problem("acme", beta).isEmpty(), "another tenant's problem is as absent as none");
            assertTrue(store.history("acme", beta).isEmpty());
            assertFalse(store.ack("acme", beta, "acme-admin", "mine now", T0.plusSeconds(30)), "nor can it be acknowledged");
            assertNull(store.problem("beta", beta).orElseThrow().ackedAt());
            assertTrue(store.ack("acme", acme, "acme-admin", "on it", T0.plusSeconds(40)));
            EventStore.Stored acked = store.problem("acme", acme).orElseThrow();
            assertEquals("acme-admin", acked.ackedBy());
            assertEquals("on it", acked.ackComment());
            assertEquals("acked", store.history("acme", acme).get(1).kind());
        }
    }

    @Test
    void problemsThatOpenInAMaintenanceWindowCarryItAndStillClose() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            MaintenanceWindows windows = new MaintenanceWindows(db);
            MaintenanceWindows.Window device = windows.add("acme", null, "core-1", T0.minusSeconds(60), T0.plusSeconds(3_600), "firmware", "acme-admin");
            MaintenanceWindows.Window site = windows.add("acme", "branch", null, T0, T0.plusSeconds(600), "power work", "acme-admin");
            long inWindow = record(store, event("acme", "core-1", "device-unreachable", "", "major", 10)).problem().id();
            record(store, event("acme", "core-2", "device-unreachable", "", "major", 10));
            record(store, new Incoming("acme", "branch", "edge-1", "device-unreachable", "", "major", T0.plusSeconds(10)));
            assertEquals(Correlator.Outcome.CLOSED, record(store, event("acme", "core-1", "device-reachable", "", "normal", 20)).outcome(),
                    "a recovery in a window still closes");
            long after = record(store, event("acme", "core-1", "device-unreachable", "", "major", 4_000)).problem().id();
            assertEquals(device.id(), store.problem("acme", inWindow).orElseThrow().maintenanceId());
            assertEquals(site.id(), store.problems(new EventStore.Query("acme", false, "edge-1", null, null, 10)).get(0).maintenanceId(), "the site's");
            assertNull(store.problems(new EventStore.Query("acme", false, "core-2", null, null, 10)).get(0).maintenanceId(), "another device");
            assertNull(store.problem("acme", after).orElseThrow().maintenanceId(), "after the window");
            assertEquals(2, windows.current("acme", T0).size());
            assertTrue(windows.current("beta", T0).isEmpty());
            assertFalse(windows.remove("beta", device.id()), "another tenant's window cannot be removed");
            assertTrue(windows.remove("acme", device.id()));
            assertEquals(List.of(site.id()), windows.current("acme", T0).stream().map(MaintenanceWindows.Window::id).toList());
            assertThrows(IllegalArgumentException.class, () -> windows.add("acme", null, null, T0, T0, "none", "x"), "ends when it starts");
            assertThrows(IllegalArgumentException.class, () -> windows.add("acme", null, null, T0, T0.plusSeconds(86_400L * 40), "long", "x"));
        }
    }

    @Test
    void aProblemLeftOpenAndUnacknowledgedGoesUpOneSeverityAtATime() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            new MaintenanceWindows(db).add("acme", null, "core-3", T0.minusSeconds(60), T0.plusSeconds(86_400), "rebuild", "acme-admin");
            long left = record(store, event("acme", "edge-1", "interface-down", "3", "minor", 0)).problem().id();
            long acked = record(store, event("acme", "core-2", "snmp-auth-failure", "", "warning", 0)).problem().id();
            long restarted = record(store, event("acme", "core-4", "device-restarted", "", "warning", 0)).problem().id();
            long otherTenant = record(store, event("beta", "edge-1", "interface-down", "3", "minor", 0)).problem().id();
            record(store, event("acme", "core-3", "device-unreachable", "", "major", 0));
            assertTrue(store.ack("acme", acked, "acme-admin", "planned", T0.plusSeconds(1)));
            Duration hour = Duration.ofHours(1);
            assertTrue(store.escalate("acme", T0.plusSeconds(1_800), hour).isEmpty(), "not yet");
            assertEquals(List.of("major"), store.escalate("acme", T0.plusSeconds(3_660), hour).stream().map(Problem::severity).toList(),
                    "only the unacknowledged one outside maintenance, one step");
            assertTrue(store.escalate("acme", T0.plusSeconds(3_720), hour).isEmpty(), "an hour from its last raise, not from its opening");
            assertEquals(List.of(left), store.escalate("acme", T0.plusSeconds(7_320), hour).stream().map(Problem::id).toList());
            assertEquals("critical", store.problem("acme", left).orElseThrow().problem().severity());
            assertTrue(store.escalate("acme", T0.plusSeconds(20_000), hour).isEmpty(), "critical is the top");
            assertEquals(List.of("opened", "escalated", "escalated"), store.history("acme", left).stream().map(EventStore.Change::kind).toList());
            record(store, event("acme", "edge-1", "interface-down", "3", "minor", 20_100));
            assertEquals("critical", store.problem("acme", left).orElseThrow().problem().severity(), "a repeat keeps the raised severity");
            assertEquals("warning", store.problem("acme", acked).orElseThrow().problem().severity());
            assertEquals("warning", store.problem("acme", restarted).orElseThrow().problem().severity(), "no recovery closes a restart: it never climbs");
            assertEquals("minor", store.problem("beta", otherTenant).orElseThrow().problem().severity(), "another tenant's escalation is its own");
        }
    }

    @Test
    void twoWritersOnOneDeviceLeaveOneProblemWithEveryEvent() throws Exception {
        try (Database db = Database.open(freshDatabase())) {
            EventStore store = new EventStore(db);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            record(store, event("acme", "core-1", "device-unreachable", "", "major", i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writers) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<EventStore.Stored> open = store.problems(new EventStore.Query("acme", false, null, null, null, 100));
            assertEquals(1, open.size(), "one problem: " + open);
            assertEquals(50, open.get(0).problem().count(), "every event counted once");
        }
    }

    private static List<Long> ids(List<EventStore.Stored> stored) {
        return stored.stream().map(s -> s.problem().id()).toList();
    }
}
