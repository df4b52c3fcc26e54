package io.junction.consume.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.consume.TestBus;
import io.junction.consume.listen.ListenerContainer;
import io.junction.consume.listen.ListenerSettings;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rrd4j.ConsolFun;

/**
 * Two metric store processes of one tenant on a real node, each with a subscription of its own: both keep every
 * sample; one stopped misses nothing the other stores, and when it starts again under its name it catches up from its
 * subscription.
 */
class MetricStoreListenerTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "metric-store-pass-1";
    private static final long T0 = 1_796_000_400L;

    @TempDir
    Path dir;

    @Test
    void eachInstanceKeepsAFullCopyAndOneRestartedCatchesUp() throws Exception {
        TestBus.tenants(NODE.node().admin().at(NODE.node().coreUrl()), PASSWORD, "acme");
        MetricStore a = new MetricStore(MetricStore.Settings.defaults(dir.resolve("a")));
        MetricStore b = new MetricStore(MetricStore.Settings.defaults(dir.resolve("b")));
        try (BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD), Duration.ofSeconds(5));
                ListenerContainer second = ListenerContainer.start(settings("b"), List.of(b), MetricStoreListener.class)) {
            ListenerContainer first = ListenerContainer.start(settings("a"), List.of(a), MetricStoreListener.class);
            for (int i = 0; i <= 5; i++) {
                send(bus, i);
            }
            Waits.until(Duration.ofSeconds(30), "both stores have five rates", () -> known(a) == 5 && known(b) == 5);
            first.close();
            a.close();
            for (int i = 6; i <= 10; i++) {
                send(bus, i);
            }
            Waits.until(Duration.ofSeconds(30), "the running store has ten rates", () -> known(b) == 10);
            MetricStore again = new MetricStore(MetricStore.Settings.defaults(dir.resolve("a")));
            try (ListenerContainer restarted = ListenerContainer.start(settings("a"), List.of(again), MetricStoreListener.class)) {
                // its first message after the restart has no previous sample in memory and gives no rate; the next one's
                // rate covers the time since the last stored, within the heartbeat
                Waits.until(Duration.ofSeconds(30), "the restarted store caught up", () -> known(again) == 10);
                assertEquals(List.of(1_000.0), values(again).stream().distinct().toList(), "every rate right");
            } finally {
                again.close();
            }
            assertEquals(10, known(b));
            // a process gone for good: the tenant's admin removes its subscription (a consumer may not)
            Credentials admin = NODE.node().admin().at(NODE.node().coreUrl());
            try (Credentials.Open open = admin.connect();
                    io.junction.client.ManagementClient m = new io.junction.client.ManagementClient(open.connection(), Duration.ofSeconds(10))) {
                m.text(io.junction.client.ManagementClient.DIRECTORY, "addUser", "acme-admin", "acme", "admin", PASSWORD);
            }
            org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.JMSSecurityException.class,
                    () -> io.junction.consume.ConsumersProcess.retire(settings("a").login(), "acme", "a"), "a consumer may not");
            Credentials tenantAdmin = settings("a").login().withUser("acme-admin", PASSWORD);
            io.junction.consume.ConsumersProcess.retire(tenantAdmin, "acme", "a");
            org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.InvalidDestinationException.class,
                    () -> io.junction.consume.ConsumersProcess.retire(tenantAdmin, "acme", "a"), "gone");
        } finally {
            b.close();
        }
    }

    private static ListenerSettings settings(String instance) {
        return new ListenerSettings(new Credentials(NODE.node().coreUrl(), "acme-events", PASSWORD), "acme", Duration.ofSeconds(5), instance);
    }

    private static List<Double> values(MetricStore store) {
        try {
            return store.fetch("acme", "core-1", "ifHCInOctets", "3", Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0 + 600), ConsolFun.AVERAGE)
                    .stream().filter(p -> p.time().getEpochSecond() > T0).map(MetricStore.Point::value).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long known(MetricStore store) {
        return values(store).stream().filter(v -> !Double.isNaN(v)).count();
    }

    /** Poll {@code i} of core-1: a minute after the one before, 60,000 octets more. */
    private static void send(BusConnection bus, int i) throws Exception {
        TestBus.metrics(bus, "acme", "core-1", Instant.ofEpochSecond(T0 + 60L * i), 100_000 + 6_000 * i, List.of(
                Map.of("name", "ifHCInOctets", "instance", "3", "type", "Counter64", "value", 60_000L * i),
                Map.of("name", "ifName", "instance", "3", "type", "OctetString", "value", "ge-0/0/1")));
    }
}
