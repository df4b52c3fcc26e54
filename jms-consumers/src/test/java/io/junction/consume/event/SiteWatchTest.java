package io.junction.consume.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.Json;
import io.junction.client.TenantAddresses;
import io.junction.consume.TestBus;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import io.junction.node.NodeExtension;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site whose pollers stop announcing themselves on a real node opens one site event, not one per device, and their
 * return closes it; a look that reads no broker judges nothing; a restarted watch goes on from the open problem.
 */
class SiteWatchTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "site-watch-password-1";

    @TempDir
    Path dir;

    @Test
    void aSiteThatLostItsPollersIsOneProblemClosedWhenOneIsBack() throws Exception {
        TestBus.tenants(NODE.node().admin().at(NODE.node().coreUrl()), PASSWORD, "acme");
        Credentials consumer = new Credentials(NODE.node().coreUrl(), "acme-events", PASSWORD);
        try (Database db = Database.open(Database.Settings.h2(dir.resolve("store")));
             BusConnection poller = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD), Duration.ofSeconds(5))) {
            EventStore store = new EventStore(db);
            SiteWatch watch = new SiteWatch("acme", store, SiteWatch.fromBus(consumer, "acme"), Duration.ofSeconds(2));
            // hq's announcement lives 8 s: long enough for the first look on a loaded machine to see it
            announce(poller, "hq", "poller-1", 8_000);
            announce(poller, "branch", "poller-2", 60_000);
            Instant t = Instant.now();
            assertTrue(watch.look(t).isEmpty(), "both sites alive");
            Thread.sleep(8_500);
            // hq's only announcement has expired: one problem for the site, none for its devices
            assertEquals(Set.of("hq"), watch.look(Instant.now()));
            assertTrue(watch.look(Instant.now()).isEmpty(), "once");
            List<EventStore.Stored> open = store.problems(new EventStore.Query("acme", true, null, null, null, 100));
            assertEquals(1, open.size(), open.toString());
            assertEquals(SiteWatch.LOST, open.get(0).problem().type());
            assertEquals("@hq", open.get(0).problem().device());
            assertEquals("major", open.get(0).problem().severity());

            // a watch of a restarted process knows the site is lost, and both judge nothing while no broker is read
            SiteWatch unread = new SiteWatch("acme", store, Optional::empty, Duration.ofSeconds(2));
            assertTrue(unread.look(Instant.now().plusSeconds(600)).isEmpty());
            SiteWatch restarted = new SiteWatch("acme", store, SiteWatch.fromBus(consumer, "acme"), Duration.ofSeconds(2));

            announce(poller, "hq", "poller-3", 60_000);
            assertEquals(Set.of("hq"), restarted.look(Instant.now()), "the restarted watch closes it");
            assertTrue(store.problems(new EventStore.Query("acme", true, null, null, null, 100)).isEmpty(), "closed by the return");
            assertEquals(List.of("opened", "closed"), store.history("acme", open.get(0).problem().id()).stream().map(EventStore.Change::kind).toList());
        }
    }

    private static void announce(BusConnection bus, String site, String poller, long lifetimeMs) throws Exception {
        TextMessage m = bus.session().createTextMessage(Json.write(Map.of("format", 1, "kind", "announcement", "poller", poller, "role", "poller",
                "tenant", "acme", "site", site, "time", Instant.now().toString())));
        m.setStringProperty(TenantAddresses.ANNOUNCER, poller);
        m.setStringProperty("site", site);
        bus.producer(bus.session().createQueue(TenantAddresses.pollers("acme"))).send(m, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, lifetimeMs);
    }
}
