package io.junction.consume.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.consume.TestBus;
import io.junction.consume.listen.ListenerContainer;
import io.junction.consume.listen.ListenerSettings;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event manager on a real node: a tenant's poller reports a device down three times and up again, and the store
 * has one problem counted three times and closed; an event resent with its duplicate-detection id is counted once;
 * an event whose body names another tenant is recorded as the tenant whose destination carried it.
 */
class EventManagerTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "event-manager-pass-1";

    @TempDir
    Path dir;

    @Test
    void aDeviceDownAndUpIsOneProblemClosedAndNoTenantWritesAnothersEvents() throws Exception {
        TestBus.tenants(NODE.node().admin().at(NODE.node().coreUrl()), PASSWORD, "acme", "beta");
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (Database db = Database.open(Database.Settings.h2(dir));
                ListenerContainer acme = ListenerContainer.start(settings("acme"), List.of(new EventStore(db)), EventManager.class);
                ListenerContainer beta = ListenerContainer.start(settings("beta"), List.of(new EventStore(db)), EventManager.class);
                BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD), Duration.ofSeconds(5))) {
            EventStore store = new EventStore(db);
            for (int i = 0; i < 3; i++) {
                TestBus.event(bus, "acme", "acme", "core-1", "device-unreachable", "major", t0.plusSeconds(i), "poll/acme/hq/core-1/" + i);
            }
            // the same event again (a poll handed out again): the broker or the store drops it
            TestBus.event(bus, "acme", "acme", "core-1", "device-unreachable", "major", t0.plusSeconds(2), "poll/acme/hq/core-1/2");
            // an event that claims to be another tenant's, on acme's destination
            TestBus.event(bus, "acme", "beta", "edge-9", "device-unreachable", "critical", t0.plusSeconds(3), "poll/beta/hq/edge-9/3");
            TestBus.event(bus, "acme", "acme", "core-1", "device-reachable", "normal", t0.plusSeconds(4), "poll/acme/hq/core-1/4");
            Waits.until(Duration.ofSeconds(30), "core-1's problem closed", () ->
                    store.problems(new EventStore.Query("acme", false, "core-1", null, null, 10)).stream().anyMatch(s -> !s.problem().open()));
            Waits.until(Duration.ofSeconds(30), "edge-9's event recorded", () ->
                    !store.problems(new EventStore.Query(null, false, "edge-9", null, null, 10)).isEmpty());
            List<EventStore.Stored> core = store.problems(new EventStore.Query("acme", false, "core-1", null, null, 10));
            assertEquals(1, core.size(), "one problem, not one per poll: " + core);
            assertEquals(3, core.get(0).problem().count(), "counted once per event");
            assertEquals(t0.plusSeconds(4), core.get(0).problem().closedAt());
            List<EventStore.Stored> claimed = store.problems(new EventStore.Query(null, false, "edge-9", null, null, 10));
            assertEquals("acme", claimed.get(0).problem().tenant(), "recorded as the tenant whose destination carried it");
            assertTrue(store.problems(new EventStore.Query("beta", false, null, null, null, 10)).isEmpty(), "beta has no problem it did not report");
        }
    }

    private static ListenerSettings settings(String tenant) {
        return new ListenerSettings(new Credentials(NODE.node().coreUrl(), tenant + "-events", PASSWORD), tenant, Duration.ofSeconds(5));
    }
}
