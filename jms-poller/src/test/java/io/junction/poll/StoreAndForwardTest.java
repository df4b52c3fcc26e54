package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.client.Json;
import io.junction.client.ManagementClient;
import io.junction.node.RunningNode;
import io.junction.poll.profile.Profiles;
import io.junction.poll.sim.Simulator;
import io.junction.poll.site.SitePoller;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.spool.SpoolSettings;
import io.junction.testing.ChildJvm;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bus outage of several intervals (the only broker stopped): the site's poller keeps polling the devices it held into
 * its spool, is killed with -9 and restarted meanwhile and polls on from its spool, and once the broker is back forwards
 * everything in order, each slot once, a device that went down and up during the outage reported once each way. A
 * second site's poller with a spool too small for the outage drops the oldest, counts them, and forwards the newest.
 */
class StoreAndForwardTest {
    private static final String PASSWORD = "poller-password-1";
    private static final long INTERVAL_MS = 1_000;
    private static final int DEVICES = 8;
    private static final long OFFLINE_AFTER_MS = 2_000;

    @TempDir
    Path dir;

    private static long count(String output, String what) {
        Matcher m = Pattern.compile(what + " (\\d+)").matcher(output);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    @Test
    void aBusOutageLosesNothingDoublesNothingAndForwardsInOrder() throws Exception {
        int port = FreePorts.udp();
        RunningNode node = RunningNode.start(dir.resolve("data"));
        Map<String, String> nodeSettings = node.settings();
        DestinationReader metrics = new DestinationReader("tenant.acme.metrics");
        DestinationReader events = new DestinationReader("tenant.acme.events");
        SitePoller small = null;
        ChildJvm first = null;
        ChildJvm second = null;
        try (Simulator sim = Simulator.start(new Simulator.Settings(2 * DEVICES, 2, "127.6.0.1", port, "public", "simulator", "sim-auth-pass",
                "sim-priv-pass", 3600, null)); SnmpPoller snmp = SnmpPoller.start(64)) {
            Credentials admin = node.admin().at(node.coreUrl());
            try (Credentials.Open open = admin.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
                m.text(ManagementClient.DIRECTORY, "createTenant", "acme", "Acme", "");
                m.text(ManagementClient.DIRECTORY, "addUser", "acme-poller", "acme", "poller", PASSWORD);
                for (int i = 1; i <= 2 * DEVICES; i++) {
                    m.text(ManagementClient.INVENTORY, "addDevice", "acme", Json.write(Map.of("name", sim.name(i), "site", i <= DEVICES ? "hq" : "branch",
                            "address", sim.address(i), "port", String.valueOf(port), "community", "public", "profiles", i <= DEVICES ? "system" : "system;interfaces",
                            "interval", INTERVAL_MS + "ms", "timeout", "300ms", "retries", "0")));
                }
            }
            metrics.connect(admin);
            events.connect(admin);
            List<String> args = List.of(node.coreUrl(), "acme-poller", PASSWORD, "acme", "hq", Path.of("..", "etc", "profiles").toString(),
                    dir.resolve("spool-hq").toString(), String.valueOf(OFFLINE_AFTER_MS));
            first = ChildJvm.start(dir.resolve("poller-1.log"), List.of(), PollerProcess.class.getName(), args.toArray(String[]::new));
            small = SitePoller.start(new Credentials(node.coreUrl(), "acme-poller", PASSWORD), "acme", "branch", Profiles.load(Path.of("..", "etc", "profiles")),
                    snmp, 100, new SpoolSettings(dir.resolve("spool-branch"), 64 * 1024, Duration.ofHours(1), Duration.ofMillis(OFFLINE_AFTER_MS)));
            SitePoller branch = small;
            Waits.until(Duration.ofSeconds(60), "three polls of every device", () -> metrics.arrivals("hq").size() == DEVICES
                    && metrics.arrivals("branch").size() == DEVICES
                    && metrics.dues().values().stream().allMatch(d -> d.size() >= 3));

            // the outage: the only broker stops; the pollers poll on into their spools
            metrics.close();
            events.close();
            node.close();
            long outageAt = System.currentTimeMillis();
            ChildJvm p1 = first;
            Waits.until(Duration.ofSeconds(30), "the poller to poll every device three times on its own", () -> count(p1.output(), "offline") >= 3 * DEVICES);
            sim.setDown(2, true);
            Thread.sleep(3 * INTERVAL_MS);
            first.killHard();
            long killedAt = System.currentTimeMillis();
            second = ChildJvm.start(dir.resolve("poller-2.log"), List.of(), PollerProcess.class.getName(), args.toArray(String[]::new));
            ChildJvm p2 = second;
            Waits.until(Duration.ofSeconds(30), "the restarted poller to poll every device three times from its spool",
                    () -> count(p2.output(), "offline") >= 3 * DEVICES);
            long restartedPollingAt = System.currentTimeMillis() - 3 * INTERVAL_MS;
            sim.setDown(2, false);
            Thread.sleep(3 * INTERVAL_MS);
            assertTrue(small.spool().dropped() > 0, "the small spool dropped its oldest: " + small.spool().dropped());
            long backAt = System.currentTimeMillis();
            node = RunningNode.start(nodeSettings);
            metrics.connect(admin);
            events.connect(admin);
            Waits.until(Duration.ofSeconds(60), "both spools forwarded and three polls of every device after the outage",
                    () -> count(p2.output(), "spooled") == 0 && branch.spool().waiting() == 0
                            && metrics.dues().values().stream().allMatch(d -> d.keySet().stream().filter(t -> t > backAt + 15_000).count() >= 3));

            for (Map.Entry<String, List<Long>> device : metrics.arrivals("hq").entrySet()) {
                List<Long> dues = device.getValue();
                for (int i = 1; i < dues.size(); i++) {
                    assertTrue(dues.get(i) > dues.get(i - 1), device.getKey() + ": published twice or out of order at " + i + ": " + dues);
                }
                // every slot while a poller ran: before the outage, offline in either process, and after
                for (long t = dues.get(0); t < dues.get(dues.size() - 1); t += INTERVAL_MS) {
                    long slot = t;
                    boolean excused = (slot > outageAt - INTERVAL_MS && slot < outageAt + OFFLINE_AFTER_MS + 2 * INTERVAL_MS)
                            || (slot > killedAt - 2 * INTERVAL_MS && slot < restartedPollingAt) || (slot > backAt - INTERVAL_MS && slot < backAt + 15_000);
                    assertTrue(excused || dues.contains(slot), device.getKey() + ": slot " + slot + " is missing (outage " + outageAt + ", killed "
                            + killedAt + ", polling again " + restartedPollingAt + ", back " + backAt + "): " + dues);
                }
                assertTrue(dues.stream().filter(t -> t > outageAt + OFFLINE_AFTER_MS && t < backAt).count() >= 6,
                        device.getKey() + ": polled during the outage: " + dues);
            }
            List<String> down = events.bodies().stream().filter(b -> b.contains(sim.name(2) + "\"")).toList();
            assertEquals(2, down.size(), "the device down during the outage was reported once each way: " + events.bodies());
            assertTrue(down.get(0).contains("device-unreachable") && down.get(1).contains("device-reachable"), down.toString());

            // the small spool kept each device's newest polls (those until the bus was back); the older ones were dropped
            // and counted
            for (Map.Entry<String, List<Long>> device : metrics.arrivals("branch").entrySet()) {
                List<Long> dues = device.getValue();
                for (int i = 1; i < dues.size(); i++) {
                    assertTrue(dues.get(i) > dues.get(i - 1), device.getKey() + ": published twice or out of order at " + i + ": " + dues);
                }
                List<Long> spooled = metrics.seen.stream().filter(s -> s.device().equals(device.getKey()) && s.spooled()).map(s -> s.due()).toList();
                assertTrue(!spooled.isEmpty() && spooled.get(spooled.size() - 1) > backAt - 3 * INTERVAL_MS,
                        device.getKey() + ": the newest of the outage were kept: " + spooled);
            }
            long forwarded = metrics.seen.stream().filter(s -> s.site().equals("branch") && s.spooled()).count();
            assertEquals(small.spool().forwardedCount(), forwarded, "every forwarded message arrived once");
            assertTrue(forwarded > 0 && forwarded + small.spool().dropped() >= small.offlinePolls(), "offline polls " + small.offlinePolls()
                    + ", forwarded " + forwarded + ", dropped " + small.spool().dropped());
        } finally {
            if (small != null) {
                small.close();
            }
            for (ChildJvm p : new ChildJvm[] {first, second}) {
                if (p != null) {
                    p.close();
                }
            }
            metrics.close();
            events.close();
            node.close();
        }
    }
}
