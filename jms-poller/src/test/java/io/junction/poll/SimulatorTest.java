package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junction.poll.profile.Profile;
import io.junction.poll.profile.Profiles;
import io.junction.poll.sim.Simulator;
import io.junction.poll.snmp.AuthProtocol;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.PrivProtocol;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * The device simulator, checked against net-snmp's own tools (snmpwalk, snmpbulkwalk, snmpget over v2c and v3) and
 * polled by Junction's poller: a thousand devices of four interfaces on 127.5.0.0/16, counters that move and wrap,
 * devices that go down and interfaces that flap with their traps.
 */
class SimulatorTest {
    private static final int DEVICES = 1_000;
    private static final int INTERFACES = 4;
    /** What one device answers: the system group, ifNumber, 17 ifTable and 7 ifXTable columns, 12 storage and 2 processor objects. */
    private static final int OBJECTS = 6 + 1 + 17 * INTERFACES + 7 * INTERFACES + 12 + 2;
    private static final long WRAP_SECONDS = 4;

    private static Simulator sim;
    private static long startedAt;
    private static int port;
    private static Snmp trapListener;
    private static final List<String[]> traps = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void simulate() throws Exception {
        assumeTrue(NetSnmp.installed(), "net-snmp's tools are not installed (apt-get install snmp): the simulator is checked against them");
        int trapPort = FreePorts.udp();
        trapListener = new Snmp(new DefaultUdpTransportMapping(new UdpAddress("127.0.0.1/" + trapPort)));
        trapListener.addCommandResponder(SimulatorTest::trapReceived);
        trapListener.listen();
        port = FreePorts.udp();
        startedAt = System.currentTimeMillis();
        sim = Simulator.start(new Simulator.Settings(DEVICES, INTERFACES, "127.5.0.1", port, "public", "simulator", "sim-auth-pass", "sim-priv-pass",
                WRAP_SECONDS, "127.0.0.1:" + trapPort));
    }

    private static <A extends org.snmp4j.smi.Address> void trapReceived(CommandResponderEvent<A> e) {
        PDU pdu = e.getPDU();
        String oid = String.valueOf(pdu.getVariable(SnmpConstants.snmpTrapOID));
        String ifIndex = pdu.size() > 2 ? pdu.get(2).getVariable().toString() : "";
        traps.add(new String[] {((UdpAddress) e.getPeerAddress()).getInetAddress().getHostAddress(), oid, ifIndex});
    }

    @AfterAll
    static void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (trapListener != null) {
            trapListener.close();
        }
    }

    private static String target(int device) {
        return sim.address(device) + ":" + port;
    }

    private static List<String> v2c() {
        return List.of("-v2c", "-c", "public", "-t", "1", "-r", "1");
    }

    private static List<String> lines(String tool, List<String> auth, String target, String oid) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool, "-m", "", "-On"));
        command.addAll(auth);
        command.addAll(List.of(target, oid));
        // at the end of the whole MIB net-snmp prints the agent's endOfMibView as a line of its own
        return NetSnmp.run(command).lines().filter(l -> !l.isBlank() && !l.contains("No more variables left in this MIB View")).toList();
    }

    @Test
    void netSnmpWalksEveryDeviceInOrder() throws Exception {
        assertEquals("127.5.3.232", sim.address(DEVICES));
        for (int device : new int[] {1, 500, DEVICES}) {
            // snmpwalk stops with an error at an OID that does not increase: the whole MIB, in order
            List<String> walk = lines("snmpwalk", v2c(), target(device), "1.3.6.1.2.1");
            assertEquals(OBJECTS, walk.size(), String.join("\n", walk));
            List<String> bulk = lines("snmpbulkwalk", v2c(), target(device), "1.3.6.1.2.1");
            assertEquals(OBJECTS, bulk.size(), String.join("\n", bulk));
            for (int i = 0; i < OBJECTS; i++) {
                assertEquals(walk.get(i).split(" = ")[0], bulk.get(i).split(" = ")[0], "snmpwalk and snmpbulkwalk see the same objects");
            }
        }
        assertTrue(lines("snmpwalk", v2c(), target(500), "1.3.6.1.2.1.31.1.1.1.1").equals(List.of(
                ".1.3.6.1.2.1.31.1.1.1.1.1 = STRING: \"eth0\"", ".1.3.6.1.2.1.31.1.1.1.1.2 = STRING: \"eth1\"",
                ".1.3.6.1.2.1.31.1.1.1.1.3 = STRING: \"eth2\"", ".1.3.6.1.2.1.31.1.1.1.1.4 = STRING: \"eth3\"")));
        List<String> v3 = List.of("-v3", "-u", "simulator", "-l", "authPriv", "-a", "SHA", "-A", "sim-auth-pass", "-x", "AES", "-X", "sim-priv-pass");
        assertEquals(List.of(".1.3.6.1.2.1.1.5.0 = STRING: \"sim-01000\""), lines("snmpget", v3, target(DEVICES), "1.3.6.1.2.1.1.5.0"));
    }

    @Test
    void countersMoveAndThe32BitOnesWrap() throws Exception {
        // the devices booted when the simulator started: wait until a counter has wrapped at least once
        Thread.sleep(Math.max(0, startedAt + (WRAP_SECONDS + 1) * 1000 - System.currentTimeMillis()));
        // one request, one moment: the 32-bit counter is the 64-bit one modulo 2^32, and it has wrapped by now
        Map<String, String> values = NetSnmp.values("snmpget", v2c(), target(3), "1.3.6.1.2.1.2.2.1.10.1", "1.3.6.1.2.1.31.1.1.1.6.1");
        BigInteger low = new BigInteger(values.get("1.3.6.1.2.1.2.2.1.10.1"));
        BigInteger high = new BigInteger(values.get("1.3.6.1.2.1.31.1.1.1.6.1"));
        assertTrue(high.compareTo(BigInteger.ONE.shiftLeft(32)) > 0, "ifHCInOctets " + high + " after more than one wrap time");
        assertEquals(high.mod(BigInteger.ONE.shiftLeft(32)), low);
        Thread.sleep(1_100);
        BigInteger later = new BigInteger(NetSnmp.values("snmpget", v2c(), target(3), "1.3.6.1.2.1.31.1.1.1.6.1").get("1.3.6.1.2.1.31.1.1.1.6.1"));
        assertTrue(later.compareTo(high) > 0, "ifHCInOctets went from " + high + " to " + later);
    }

    @Test
    void junctionsPollerPollsSimulatedDevicesOverV2cAndV3() throws Exception {
        Map<String, Profile> all = Profiles.load(Path.of("..", "etc", "profiles"));
        List<Profile> profiles = List.of(all.get("system"), all.get("interfaces"), all.get("host"));
        try (SnmpPoller poller = SnmpPoller.start(200)) {
            List<CompletableFuture<PollResult>> polls = new ArrayList<>();
            for (int n = 1; n <= 100; n++) {
                SnmpSettings snmp = n % 2 == 0 ? SnmpSettings.community(SnmpVersion.V2C, "public")
                        : SnmpSettings.v3("simulator", AuthProtocol.SHA, "sim-auth-pass", PrivProtocol.AES128, "sim-priv-pass");
                polls.add(poller.poll(new Device("acme", "lab", sim.name(n), sim.address(n), port, snmp, List.of("system", "interfaces", "host"),
                        Duration.ofSeconds(60)), profiles));
            }
            for (CompletableFuture<PollResult> f : polls) {
                PollResult r = f.get(60, TimeUnit.SECONDS);
                assertEquals(PollResult.Status.UP, r.status(), r.device() + ": " + r.detail());
                assertEquals(INTERFACES, r.values().stream().filter(v -> v.name().equals("ifHCInOctets")).count(), r.device().toString());
                assertEquals(r.device().name(), r.values().stream().filter(v -> v.name().equals("sysName")).findFirst().orElseThrow().value());
                assertEquals(2, r.values().stream().filter(v -> v.name().equals("hrStorageSize")).count());
            }
        }
    }

    @Test
    void devicesGoDownAndInterfacesFlapWithTheirTraps() throws Exception {
        assertTrue(sim.setDown(7, true));
        List<String> command = new ArrayList<>(List.of("snmpget", "-m", ""));
        command.addAll(List.of("-v2c", "-c", "public", "-t", "0.5", "-r", "0", target(7), "1.3.6.1.2.1.1.5.0"));
        Path out = Files.createTempFile("snmpget", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), "a device that is down does not answer: " + Files.readString(out));
        assertTrue(Files.readString(out).contains("Timeout"), Files.readString(out));
        assertTrue(sim.setDown(7, false));
        assertEquals("sim-00007", NetSnmp.values("snmpget", v2c(), target(7), "1.3.6.1.2.1.1.5.0").get("1.3.6.1.2.1.1.5.0"));

        assertTrue(sim.setInterfaceUp(8, 2, false));
        assertEquals("2", NetSnmp.values("snmpget", v2c(), target(8), "1.3.6.1.2.1.2.2.1.8.2").get("1.3.6.1.2.1.2.2.1.8.2"));
        assertTrue(sim.setInterfaceUp(8, 2, true));
        assertEquals("1", NetSnmp.values("snmpget", v2c(), target(8), "1.3.6.1.2.1.2.2.1.8.2").get("1.3.6.1.2.1.2.2.1.8.2"));
        Waits.until(Duration.ofSeconds(10), "the linkDown and linkUp traps", () -> traps.stream().filter(t -> t[0].equals(sim.address(8))).count() == 2);
        List<String[]> fromEight = traps.stream().filter(t -> t[0].equals(sim.address(8))).toList();
        assertEquals("1.3.6.1.6.3.1.1.5.3", fromEight.get(0)[1]);
        assertEquals("2", fromEight.get(0)[2]);
        assertEquals("1.3.6.1.6.3.1.1.5.4", fromEight.get(1)[1]);

        long upBefore = Long.parseLong(NetSnmp.values("snmpget", v2c(), target(9), "1.3.6.1.2.1.1.3.0").get("1.3.6.1.2.1.1.3.0"));
        sim.restart(9);
        long upAfter = Long.parseLong(NetSnmp.values("snmpget", v2c(), target(9), "1.3.6.1.2.1.1.3.0").get("1.3.6.1.2.1.1.3.0"));
        assertTrue(upAfter < upBefore, "sysUpTime went back at the restart: " + upBefore + " then " + upAfter);
        Waits.until(Duration.ofSeconds(10), "the coldStart trap", () -> traps.stream().anyMatch(t -> t[0].equals(sim.address(9))
                && t[1].equals("1.3.6.1.6.3.1.1.5.1")));
    }
}
