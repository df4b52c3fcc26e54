package io.junction.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.consume.api.ApiServer;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.notify.Notifier;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two consumers processes share the event manager's subscription and a real PostgreSQL store: both take a share of
 * the events, and each device's events keep their order (its message group goes to one of them at a time), so every
 * device that went down and came back has one problem, opened then closed, never one left open by a recovery judged
 * before its failure.
 */
class TwoInstancesTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "two-instances-password-1";
    private static final int DEVICES = 300;

    @TempDir
    Path dir;

    @Test
    void twoProcessesShareTheEventsAndKeepEachDevicesOrder() throws Exception {
        TestBus.tenants(NODE.node().admin().at(NODE.node().coreUrl()), PASSWORD, "acme");
        Credentials events = new Credentials(NODE.node().coreUrl(), "acme-events", PASSWORD);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE junction");
            }
            Database.Settings store = new Database.Settings(pg.getJdbcUrl("postgres", "junction"), "postgres", "postgres", 4);
            Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
            try (ConsumersProcess a = ConsumersProcess.start(events, "acme", settings(store, "a"));
                 ConsumersProcess b = ConsumersProcess.start(events, "acme", settings(store, "b"));
                 BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD), Duration.ofSeconds(5))) {
                for (int i = 0; i < DEVICES; i++) {
                    String device = "dev-" + i;
                    TestBus.event(bus, "acme", "acme", device, "device-unreachable", "major", t0.plusSeconds(i), "poll/acme/hq/" + device + "/0");
                    TestBus.event(bus, "acme", "acme", device, "device-reachable", "normal", t0.plusSeconds(i + 60), "poll/acme/hq/" + device + "/1");
                }
                Waits.until(Duration.ofSeconds(60), "every event handled", () -> a.handled() + b.handled() >= 2L * DEVICES);
                System.out.println("two instances: " + a.handled() + " and " + b.handled() + " of " + 2 * DEVICES + " events");
                assertTrue(a.handled() > 0 && b.handled() > 0, "both took a share: " + a.handled() + " and " + b.handled());
            }
            try (Database db = Database.open(store)) {
                EventStore kept = new EventStore(db);
                List<EventStore.Stored> all = kept.problems(new EventStore.Query("acme", false, null, null, null, 10_000));
                assertEquals(DEVICES, all.size(), "one problem per device");
                assertEquals(DEVICES, all.stream().map(s -> s.problem().device()).distinct().count());
                for (EventStore.Stored s : all) {
                    assertTrue(!s.problem().open(), s.problem().device() + " left open: its recovery was judged before its failure");
                    assertEquals(List.of("opened", "closed"), kept.history("acme", s.problem().id()).stream().map(EventStore.Change::kind).toList(),
                            s.problem().device());
                }
            }
        }
    }

    private ConsumersProcess.Settings settings(Database.Settings store, String instance) {
        return new ConsumersProcess.Settings(Set.of("events"), instance, store, Duration.ofHours(1), MetricStore.Settings.defaults(dir.resolve("metrics-" + instance)),
                new ApiServer.Settings("127.0.0.1", 0, "", ""), Duration.ofSeconds(5), dir.resolve("no-rules"), Notifier.Settings.DEFAULTS);
    }
}
