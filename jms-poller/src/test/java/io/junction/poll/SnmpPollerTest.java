package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junction.poll.profile.Profile;
import io.junction.poll.profile.Profiles;
import io.junction.poll.snmp.AuthProtocol;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.PrivProtocol;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poller against a real net-snmp agent: what it reads equals what net-snmp's own tools read, over v1, v2c and v3. */
class SnmpPollerTest {
    private static final String IF_NAME = "1.3.6.1.2.1.31.1.1.1.1";
    private static final String IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8";
    private static final String HR_STORAGE_DESCR = "1.3.6.1.2.1.25.2.3.1.3";

    @TempDir
    static Path dir;
    private static SnmpdAgent agent;
    private static SnmpPoller poller;
    private static List<Profile> profiles;

    @BeforeAll
    static void agentAndPoller() throws Exception {
        assumeTrue(NetSnmp.installed(), "net-snmp is not installed (apt-get install snmpd snmp): the SNMP tests need a real agent");
        agent = SnmpdAgent.start(dir);
        poller = SnmpPoller.start(64);
        Map<String, Profile> all = Profiles.load(Path.of("..", "etc", "profiles"));
        profiles = List.of(all.get("system"), all.get("interfaces"), all.get("host"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (poller != null) {
            poller.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    /** A device of its own site: each test's devices are distinct devices of the poller, though one agent answers them all. */
    private static Device device(String name, int port, SnmpSettings snmp) {
        return new Device("acme", name, name, "127.0.0.1", port, snmp, List.of("system", "interfaces", "host"), Duration.ofSeconds(60));
    }

    private static PollResult poll(Device device) throws Exception {
        return poller.poll(device, profiles).get(60, TimeUnit.SECONDS);
    }

    /** Values named {@code name}, by instance. */
    private static Map<String, Object> column(PollResult r, String name) {
        Map<String, Object> byInstance = new TreeMap<>();
        r.values().stream().filter(v -> v.name().equals(name)).forEach(v -> byInstance.put(v.instance(), v.value()));
        return byInstance;
    }

    private static Object scalar(PollResult r, String name) {
        return r.values().stream().filter(v -> v.name().equals(name) && v.instance().isEmpty()).findFirst().map(PollResult.Value::value).orElse(null);
    }

    /** net-snmp's walk of a column, as instance to value text. */
    private static Map<String, String> walk(String tool, List<String> auth, String column) throws Exception {
        Map<String, String> byInstance = new TreeMap<>();
        NetSnmp.values(tool, auth, agent.target(), column).forEach((oid, value) -> {
            if (oid.startsWith(column + ".")) {
                byInstance.put(oid.substring(column.length() + 1), value);
            }
        });
        return byInstance;
    }

    private static Map<String, String> text(Map<String, Object> values) {
        Map<String, String> t = new TreeMap<>();
        values.forEach((k, v) -> t.put(k, String.valueOf(v)));
        return t;
    }

    private void assertSameAsNetSnmp(Device device, List<String> auth) throws Exception {
        long upBefore = Long.parseLong(NetSnmp.values("snmpget", auth, agent.target(), "1.3.6.1.2.1.1.3.0").get("1.3.6.1.2.1.1.3.0"));
        PollResult r = poll(device);
        long upAfter = Long.parseLong(NetSnmp.values("snmpget", auth, agent.target(), "1.3.6.1.2.1.1.3.0").get("1.3.6.1.2.1.1.3.0"));
        assertEquals(PollResult.Status.UP, r.status(), r.detail());
        Map<String, String> system = NetSnmp.values("snmpget", auth, agent.target(), "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0");
        assertEquals(SnmpdAgent.SYS_NAME, scalar(r, "sysName"));
        assertEquals(system.get("1.3.6.1.2.1.1.5.0"), scalar(r, "sysName"));
        assertEquals(system.get("1.3.6.1.2.1.1.1.0"), scalar(r, "sysDescr"));
        assertEquals(system.get("1.3.6.1.2.1.1.2.0").replaceFirst("^\\.", ""), scalar(r, "sysObjectID"));
        assertTrue(upBefore <= r.sysUpTime() && r.sysUpTime() <= upAfter, upBefore + " <= " + r.sysUpTime() + " <= " + upAfter);
        String walker = device.snmp().version() == SnmpVersion.V1 ? "snmpwalk" : "snmpbulkwalk";
        Map<String, String> ifNames = walk(walker, auth, IF_NAME);
        assertFalse(ifNames.isEmpty(), "the agent has interfaces");
        assertEquals(ifNames, text(column(r, "ifName")));
        assertEquals(walk(walker, auth, IF_OPER_STATUS), text(column(r, "ifOperStatus")));
        assertEquals(walk(walker, auth, HR_STORAGE_DESCR), text(column(r, "hrStorageDescr")));
        // each interface's values carry its name as their label
        r.values().stream().filter(v -> v.name().equals("ifOperStatus"))
                .forEach(v -> assertEquals(ifNames.get(v.instance()), v.label(), "label of interface " + v.instance()));
    }

    @Test
    void v2cValuesEqualWhatNetSnmpReads() throws Exception {
        Device d = device("agent-v2c", agent.port(), SnmpSettings.community(SnmpVersion.V2C, SnmpdAgent.COMMUNITY));
        assertSameAsNetSnmp(d, SnmpdAgent.v2c());
        PollResult r = poll(d);
        assertEquals("Counter64", r.values().stream().filter(v -> v.name().equals("ifHCInOctets")).findFirst().orElseThrow().type());
        assertTrue(column(r, "ifInOctets").isEmpty(), "32-bit counters only stand in where an interface has no 64-bit one: " + column(r, "ifInOctets"));
        assertEquals("TimeTicks", r.values().stream().filter(v -> v.name().equals("sysUpTime")).findFirst().orElseThrow().type());
    }

    @Test
    void v3AuthPrivValuesEqualWhatNetSnmpReads() throws Exception {
        Device d = device("agent-v3", agent.port(), SnmpSettings.v3(SnmpdAgent.USER, AuthProtocol.SHA, SnmpdAgent.AUTH_PASSWORD, PrivProtocol.AES128,
                SnmpdAgent.PRIV_PASSWORD));
        assertSameAsNetSnmp(d, SnmpdAgent.v3());
        assertEquals(PollResult.Status.UP, poll(d).status(), "a second poll reuses the engine id found by the first");
    }

    @Test
    void v1WalksWithGetNext() throws Exception {
        Device d = device("agent-v1", agent.port(), SnmpSettings.community(SnmpVersion.V1, SnmpdAgent.COMMUNITY));
        assertSameAsNetSnmp(d, List.of("-v1", "-c", SnmpdAgent.COMMUNITY));
        PollResult r = poll(d);
        assertTrue(column(r, "ifHCInOctets").isEmpty(), "SNMPv1 has no Counter64");
        assertFalse(column(r, "ifInOctets").isEmpty(), "so the 32-bit counters stand in");
    }

    @Test
    void aWrongCommunityIsUnreachable() throws Exception {
        SnmpSettings wrong = SnmpSettings.community(SnmpVersion.V2C, "not-the-community").withTimeout(Duration.ofMillis(300), 1);
        PollResult r = poll(device("agent-wrong-community", agent.port(), wrong));
        assertEquals(PollResult.Status.UNREACHABLE, r.status());
        assertTrue(r.values().isEmpty());
        assertNull(r.sysUpTime());
        assertEquals(1, r.requests(), "the first unanswered request ends the poll");
    }

    @Test
    void wrongV3CredentialsAreAuthenticationFailuresThatSayWhich() throws Exception {
        // a poller of its own: the agent's engine id is already another device's in the shared poller
        try (SnmpPoller own = SnmpPoller.start(8)) {
            PollResult wrongKey = own.poll(device("agent-wrong-key", agent.port(), SnmpSettings.v3(SnmpdAgent.USER, AuthProtocol.SHA, "not-the-key",
                    PrivProtocol.AES128, SnmpdAgent.PRIV_PASSWORD)), profiles).get(60, TimeUnit.SECONDS);
            assertEquals(PollResult.Status.AUTH_FAILURE, wrongKey.status(), wrongKey.detail());
            assertTrue(wrongKey.detail().contains("wrong authentication key"), wrongKey.detail());
            PollResult unknownUser = own.poll(device("agent-unknown-user", agent.port(), SnmpSettings.v3("nobody", AuthProtocol.SHA,
                    SnmpdAgent.AUTH_PASSWORD, PrivProtocol.AES128, SnmpdAgent.PRIV_PASSWORD)), profiles).get(60, TimeUnit.SECONDS);
            assertEquals(PollResult.Status.AUTH_FAILURE, unknownUser.status(), unknownUser.detail());
            assertTrue(unknownUser.detail().contains("unknown user name 'nobody'"), unknownUser.detail());
            // the key corrected in the inventory: the next poll of the same device uses it
            PollResult corrected = own.poll(device("agent-wrong-key", agent.port(), SnmpSettings.v3(SnmpdAgent.USER, AuthProtocol.SHA,
                    SnmpdAgent.AUTH_PASSWORD, PrivProtocol.AES128, SnmpdAgent.PRIV_PASSWORD)), profiles).get(60, TimeUnit.SECONDS);
            assertEquals(PollResult.Status.UP, corrected.status(), corrected.detail());
            PollResult wrongProtocol = own.poll(device("agent-wrong-key", agent.port(), SnmpSettings.v3(SnmpdAgent.USER, AuthProtocol.MD5,
                    SnmpdAgent.AUTH_PASSWORD, PrivProtocol.AES128, SnmpdAgent.PRIV_PASSWORD)), profiles).get(60, TimeUnit.SECONDS);
            assertEquals(PollResult.Status.AUTH_FAILURE, wrongProtocol.status(), wrongProtocol.detail());
        }
    }

    @Test
    void twoDevicesAnsweringWithOneEngineIdAndOtherKeysAreAConflictNotACrossedKey() throws Exception {
        try (SnmpPoller own = SnmpPoller.start(8)) {
            SnmpSettings right = SnmpSettings.v3(SnmpdAgent.USER, AuthProtocol.SHA, SnmpdAgent.AUTH_PASSWORD, PrivProtocol.AES128, SnmpdAgent.PRIV_PASSWORD);
            SnmpSettings other = SnmpSettings.v3(SnmpdAgent.USER, AuthProtocol.SHA, "another-key", PrivProtocol.AES128, SnmpdAgent.PRIV_PASSWORD);
            assertEquals(PollResult.Status.UP, own.poll(device("clone-a", agent.port(), right), profiles).get(60, TimeUnit.SECONDS).status());
            PollResult clone = own.poll(device("clone-b", agent.port(), other), profiles).get(60, TimeUnit.SECONDS);
            assertEquals(PollResult.Status.ERROR, clone.status());
            assertTrue(clone.detail().contains("engine id") && clone.detail().contains("acme/clone-a/"), clone.detail());
            assertEquals(PollResult.Status.UP, own.poll(device("clone-a", agent.port(), right), profiles).get(60, TimeUnit.SECONDS).status(),
                    "the first device keeps its keys");
        }
    }

    @Test
    void missingObjectsAndTheEndOfTheMibEndNothingButThemselves(@TempDir Path profileDir) throws Exception {
        java.nio.file.Files.writeString(profileDir.resolve("edge.properties"), "scalar.sysName = 1.3.6.1.2.1.1.5.0\n"
                + "scalar.missing = 1.3.6.1.2.1.1.99.0\n" + "table.beyond.column.nothing = 1.3.6.1.6.3.99.99\n");
        List<Profile> edge = List.of(Profiles.load(profileDir).get("edge"));
        for (SnmpVersion version : List.of(SnmpVersion.V1, SnmpVersion.V2C)) {
            PollResult r = poller.poll(device("edge-" + version, agent.port(), SnmpSettings.community(version, SnmpdAgent.COMMUNITY)), edge)
                    .get(60, TimeUnit.SECONDS);
            assertEquals(PollResult.Status.UP, r.status(), version + ": " + r.detail());
            assertEquals(SnmpdAgent.SYS_NAME, scalar(r, "sysName"), version + " still reads what exists beside what does not");
            assertNull(scalar(r, "missing"));
            assertTrue(column(r, "nothing").isEmpty());
        }
    }

    @Test
    void aDeadDeviceDelaysNoOther() throws Exception {
        int nobody = io.junction.testing.FreePorts.udp();
        SnmpSettings patient = SnmpSettings.community(SnmpVersion.V2C, SnmpdAgent.COMMUNITY).withTimeout(Duration.ofSeconds(5), 1);
        CompletableFuture<PollResult> dead = poller.poll(device("dead", nobody, patient), profiles);
        PollResult live = poll(device("live", agent.port(), patient));
        assertEquals(PollResult.Status.UP, live.status());
        assertFalse(dead.isDone(), "the dead device's poll still waits for its retry while the live one is done");
        assertEquals(PollResult.Status.UNREACHABLE, dead.get(30, TimeUnit.SECONDS).status());
    }
}
