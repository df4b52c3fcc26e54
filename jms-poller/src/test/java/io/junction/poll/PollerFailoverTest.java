package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.client.Destinations;
import io.junction.client.Json;
import io.junction.client.ListenerLoop;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.client.TenantAddresses;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.LocalClusterExtension;
import io.junction.poll.profile.Profiles;
import io.junction.poll.sim.Simulator;
import io.junction.poll.site.SitePoller;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.spool.SpoolSettings;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poller polls simulated devices into a real three-node cluster, and the broker it is connected to is killed with
 * -9: it goes on through the failover, no result is stored twice (the poll messages handed out again are duplicates),
 * and every slot that is missing is one the poller counted as skipped (a poll message that came late), none lost.
 */
class PollerFailoverTest {
    @RegisterExtension
    static final LocalClusterExtension CLUSTER = new LocalClusterExtension();

    private static final String PASSWORD = "poller-password-1";
    private static final long INTERVAL_MS = 1_000;
    private static final int DEVICES = 6;

    @TempDir
    Path dir;

    @Test
    void aBrokerKilledUnderThePollerLosesAndDoublesNothing() throws Exception {
        int port = FreePorts.udp();
        Credentials admin = CLUSTER.admin();
        /** Per duplicate-detection id, the broker's message ids it was stored as (more than one: stored twice). */
        Map<String, Set<String>> stored = new ConcurrentHashMap<>();
        try (Simulator sim = Simulator.start(new Simulator.Settings(DEVICES, 2, "127.7.0.1", port, "public", "simulator", "sim-auth-pass",
                "sim-priv-pass", 3600, null)); SnmpPoller snmp = SnmpPoller.start(64)) {
            try (Credentials.Open open = admin.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(15))) {
                m.text(ManagementClient.DIRECTORY, "createTenant", "acme", "Acme", "");
                m.text(ManagementClient.DIRECTORY, "addUser", "acme-poller", "acme", "poller", PASSWORD);
                m.text(ManagementClient.DIRECTORY, "addUser", "acme-store", "acme", "consumer", PASSWORD);
                for (int i = 1; i <= DEVICES; i++) {
                    m.text(ManagementClient.INVENTORY, "addDevice", "acme", Json.write(Map.of("name", sim.name(i), "site", "hq", "address", sim.address(i),
                            "port", String.valueOf(port), "community", "public", "profiles", "system", "interval", INTERVAL_MS + "ms", "timeout", "300ms")));
                }
            }
            Credentials poller = admin.withUser("acme-poller", PASSWORD);
            Credentials store = admin.withUser("acme-store", PASSWORD);
            CLUSTER.awaitLogin(store);
            String metrics = TenantAddresses.metrics("acme");
            ListenerLoop loop = ListenerLoop.start(store, Duration.ofSeconds(5), s -> s.createConsumer(Destinations.forReceiving(s, metrics)),
                    message -> stored.computeIfAbsent(message.getStringProperty(ReliableSender.DUPLICATE_ID), k -> ConcurrentHashMap.newKeySet())
                            .add(message.getJMSMessageID()), "test-metric-store");
            SitePoller p = SitePoller.start(poller, "acme", "hq", Profiles.load(Path.of("..", "etc", "profiles")), snmp, 100,
                    new SpoolSettings(dir.resolve("spool"), 64L << 20, Duration.ofHours(1), Duration.ofSeconds(30)));
            try {
                Waits.until(Duration.ofSeconds(60), "three polls of every device", () -> dues(stored).size() == DEVICES
                        && dues(stored).values().stream().allMatch(d -> d.size() >= 3));
                String broker = p.broker();
                ClusterLayout.Member under = CLUSTER.layout().members().stream().filter(m -> broker.endsWith(":" + m.brokerPort())).findFirst()
                        .orElseThrow(() -> new AssertionError("the poller is on " + broker + ", no node's primary"));
                CLUSTER.kill(under.id());
                long killedAt = System.currentTimeMillis();
                Waits.until(Duration.ofSeconds(120), "five polls of every device after the kill", () -> dues(stored).values().stream()
                        .allMatch(d -> d.keySet().stream().filter(t -> t > killedAt).count() >= 5));
                assertTrue(!broker.equals(p.broker()), "the poller moved to the backup: " + p.broker());
            } finally {
                p.close();
                assertTrue(loop.stop(Duration.ofSeconds(15)), "the loop stops");
            }
            long missing = 0;
            for (Map.Entry<String, TreeMap<Long, Set<String>>> device : dues(stored).entrySet()) {
                TreeMap<Long, Set<String>> byDue = device.getValue();
                for (Map.Entry<Long, Set<String>> due : byDue.entrySet()) {
                    assertEquals(1, due.getValue().size(), device.getKey() + " " + due.getKey() + " stored twice: " + due.getValue());
                }
                missing += (byDue.lastKey() - byDue.firstKey()) / INTERVAL_MS + 1 - byDue.size();
            }
            assertTrue(missing <= p.skipped(), missing + " slots missing, " + p.skipped() + " counted skipped: a result was lost");
            System.out.println("Failover: " + missing + " slots missing, " + p.skipped() + " skipped, " + p.polls() + " polls");
        }
    }

    /** Per device, the broker message ids of each due time's metrics. */
    private static Map<String, TreeMap<Long, Set<String>>> dues(Map<String, Set<String>> stored) {
        Map<String, TreeMap<Long, Set<String>>> out = new TreeMap<>();
        stored.forEach((id, messages) -> {
            // metrics/TENANT/SITE/ADDRESS:PORT/DUE
            String[] f = id.split("/");
            out.computeIfAbsent(f[3], k -> new TreeMap<>()).put(Long.parseLong(f[4]), messages);
        });
        return out;
    }
}
