package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junction.client.Credentials;
import io.junction.client.Json;
import io.junction.client.ManagementClient;
import io.junction.node.NodeExtension;
import io.junction.poll.profile.Profile;
import io.junction.poll.profile.Profiles;
import io.junction.poll.site.SitePoller;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.spool.SpoolSettings;
import io.junction.testing.ChildJvm;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pollers share a site of devices (three addresses of one real net-snmp agent and ten simulated devices) through
 * the bus: each device is
 * polled once per interval; when one poller dies the other polls its devices from the next interval on; no result is
 * published twice; a device that stops answering is reported once, and again once when it is back.
 */
class SitePollerTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();

    private static final String PASSWORD = "poller-password-1";
    private static final long INTERVAL_MS = 2_000;

    @TempDir
    static Path dir;
    private static SnmpdAgent agent;
    private static io.junction.poll.sim.Simulator simulator;
    private static final int SIMULATED = 10;
    /** Three addresses of the real agent, the device that never answers, and the simulated ones. */
    private static final int DEVICES = 4 + SIMULATED;
    private static Map<String, Profile> profiles;

    @BeforeAll
    static void siteOfThreeDevices() throws Exception {
        assumeTrue(NetSnmp.installed(), "net-snmp is not installed (apt-get install snmpd snmp): the poller tests need a real agent");
        agent = SnmpdAgent.start(dir, "127.0.0.1", "127.0.0.2", "127.0.0.3");
        int simulatedPort = io.junction.testing.FreePorts.udp();
        simulator = io.junction.poll.sim.Simulator.start(new io.junction.poll.sim.Simulator.Settings(SIMULATED, 2, "127.8.0.1", simulatedPort, "public",
                "simulator", "sim-auth-pass", "sim-priv-pass", 3600, null));
        profiles = Profiles.load(Path.of("..", "etc", "profiles"));
        try (Credentials.Open open = admin().connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            m.text(ManagementClient.DIRECTORY, "createTenant", "acme", "Acme", "");
            m.text(ManagementClient.DIRECTORY, "addUser", "acme-poller", "acme", "poller", PASSWORD);
            for (int i = 1; i <= 3; i++) {
                m.text(ManagementClient.INVENTORY, "addDevice", "acme", Json.write(Map.of("name", "dev-" + i, "site", "hq", "address", "127.0.0." + i,
                        "port", String.valueOf(agent.port()), "community", SnmpdAgent.COMMUNITY, "profiles", "system;interfaces",
                        "interval", INTERVAL_MS + "ms", "timeout", "500ms")));
            }
            // a device nobody answers: reported unreachable once
            m.text(ManagementClient.INVENTORY, "addDevice", "acme", Json.write(Map.of("name", "dead-1", "site", "hq", "address", "127.0.0.9",
                    "port", String.valueOf(agent.port()), "community", SnmpdAgent.COMMUNITY, "profiles", "system",
                    "interval", INTERVAL_MS + "ms", "timeout", "300ms", "retries", "0")));
            for (int i = 1; i <= SIMULATED; i++) {
                m.text(ManagementClient.INVENTORY, "addDevice", "acme", Json.write(Map.of("name", simulator.name(i), "site", "hq",
                        "address", simulator.address(i), "port", String.valueOf(simulatedPort), "community", "public", "profiles", "system;interfaces",
                        "interval", INTERVAL_MS + "ms", "timeout", "500ms")));
            }
        }
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    static SpoolSettings spooling(String name) {
        return new SpoolSettings(dir.resolve("spool-" + name + "-" + System.nanoTime()), 64L << 20, Duration.ofHours(1), Duration.ofSeconds(30));
    }

    private static Credentials admin() {
        return NODE.node().admin().at(NODE.node().coreUrl());
    }

    @Test
    void twoPollersShareASiteAndTheSurvivorTakesOverEveryDevice() throws Exception {
        Credentials poller = new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD);
        try (DestinationReader metrics = new DestinationReader("tenant.acme.metrics").connect(admin());
             DestinationReader events = new DestinationReader("tenant.acme.events").connect(admin());
             SnmpPoller snmpA = SnmpPoller.start(64); SnmpPoller snmpB = SnmpPoller.start(64)) {
            SitePoller a = SitePoller.start(poller, "acme", "hq", profiles, snmpA, 100, spooling("a"));
            SitePoller b = SitePoller.start(poller, "acme", "hq", profiles, snmpB, 100, spooling("b"));
            try {
                Waits.until(Duration.ofSeconds(60), "four polls of every device", () -> metrics.dues().size() == DEVICES
                        && metrics.dues().values().stream().allMatch(d -> d.size() >= 4));
                assertTrue(a.polls() > 0 && b.polls() > 0, "both pollers polled: " + a.polls() + " and " + b.polls());
                a.close();
                long killedAt = System.currentTimeMillis();
                Waits.until(Duration.ofSeconds(60), "four more polls of every device after the first poller stopped",
                        () -> metrics.dues().values().stream().allMatch(d -> d.keySet().stream().filter(t -> t > killedAt).count() >= 4));
            } finally {
                a.close();
                b.close();
            }
            Map<String, Map<Long, Integer>> dues = metrics.dues();
            for (Map.Entry<String, Map<Long, Integer>> device : dues.entrySet()) {
                Map<Long, Integer> byDue = device.getValue();
                assertTrue(byDue.values().stream().allMatch(n -> n == 1), device.getKey() + ": a due time published twice: " + byDue);
                List<Long> times = new ArrayList<>(new TreeSet<>(byDue.keySet()));
                for (int i = 1; i < times.size(); i++) {
                    assertEquals(INTERVAL_MS, times.get(i) - times.get(i - 1), device.getKey() + " skipped an interval: " + times);
                }
            }
            Map<String, Map<Long, Integer>> eventDues = events.dues();
            assertEquals(List.of("dead-1"), List.copyOf(eventDues.keySet()), "only the dead device has events: " + events.bodies());
            assertEquals(1, eventDues.get("dead-1").size(), "reported unreachable once, whoever polled it: " + events.bodies());
            assertTrue(events.bodies().get(0).contains("\"type\":\"device-unreachable\""), events.bodies().get(0));
        }
    }

    @Test
    void aPollerKilledWithSigkillLeavesItsDevicesToTheOther() throws Exception {
        long[] takenOverAt = {Long.MAX_VALUE};
        Credentials poller = new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD);
        try (DestinationReader metrics = new DestinationReader("tenant.acme.metrics").connect(admin()); SnmpPoller snmpB = SnmpPoller.start(64);
             ChildJvm a = ChildJvm.start(dir.resolve("poller-a.log"), List.of(), PollerProcess.class.getName(), NODE.node().coreUrl(), "acme-poller",
                     PASSWORD, "acme", "hq", Path.of("..", "etc", "profiles").toString(),
                     dir.resolve("spool-process").toString())) {
            SitePoller b = SitePoller.start(poller, "acme", "hq", profiles, snmpB, 100, spooling("b"));
            try {
                Waits.until(Duration.ofSeconds(60), "the process poller to poll", () -> java.util.regex.Pattern.compile("(?m)^polls [1-9]")
                        .matcher(a.output()).find());
                a.killHard();
                long killedAt = System.currentTimeMillis();
                // the broker hands the dead poller's polls to the other once it has noticed the dead connection (10 s TTL)
                long takenOver = killedAt + 15_000;
                takenOverAt[0] = takenOver;
                Waits.until(Duration.ofSeconds(60), "three polls of every device after the takeover",
                        () -> metrics.dues().size() == DEVICES && metrics.dues().values().stream().allMatch(d -> d.keySet().stream().filter(t -> t > takenOver).count() >= 3));
            } finally {
                b.close();
            }
            long settled = takenOverAt[0];
            for (Map.Entry<String, Map<Long, Integer>> device : metrics.dues().entrySet()) {
                assertTrue(device.getValue().values().stream().allMatch(n -> n == 1), device.getKey() + ": a due time published twice: " + device.getValue());
                // once the broker has handed the dead poller's polls over, every device is polled each interval
                List<Long> after = new TreeSet<>(device.getValue().keySet()).tailSet(settled).stream().toList();
                for (int i = 1; i < after.size(); i++) {
                    assertEquals(INTERVAL_MS, after.get(i) - after.get(i - 1), device.getKey() + " skipped an interval after the takeover: " + after);
                }
            }
        }
    }
}
