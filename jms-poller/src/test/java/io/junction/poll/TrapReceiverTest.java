package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junction.client.Credentials;
import io.junction.client.Json;
import io.junction.client.ManagementClient;
import io.junction.node.NodeExtension;
import io.junction.poll.trap.TrapReceiver;
import io.junction.poll.trap.TrapRules;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.StringReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Trap receivers of two tenants with a device at the same address, fed by net-snmp's {@code snmptrap} and
 * {@code snmpinform} (v1, v2c, v3, informs answered), by a storm, by unknown senders and by 10,000 packets of garbage,
 * against a real node: each trap is one event of the right tenant and device; nothing crosses tenants.
 */
class TrapReceiverTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();

    private static final String PASSWORD = "poller-password-1";
    private static final String V3 = "junctionv3";
    private static final String AUTH = "authpass123";
    private static final String PRIV = "privpass123";

    private static TrapReceiver acme;
    private static TrapReceiver beta;
    private static int acmePort;
    private static int betaPort;

    @BeforeAll
    static void twoTenantsWithReceivers() throws Exception {
        assumeTrue(NetSnmp.installed(), "net-snmp is not installed (apt-get install snmp): the trap tests send with snmptrap");
        try (Credentials.Open open = admin().connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            for (String tenant : List.of("acme", "beta")) {
                m.text(ManagementClient.DIRECTORY, "createTenant", tenant, tenant, "");
                m.text(ManagementClient.DIRECTORY, "addUser", tenant + "-poller", tenant, "poller", PASSWORD);
            }
            // the same 127.0.0.1 in both tenants: two devices
            device(m, "acme", Map.of("name", "router-1", "site", "hq", "address", "127.0.0.1", "community", "public"));
            device(m, "beta", Map.of("name", "b-router", "site", "hq", "address", "127.0.0.1", "community", "public"));
            device(m, "acme", Map.of("name", "router-3", "site", "hq", "address", "127.0.0.3", "version", "3", "user", V3, "auth", "SHA",
                    "auth-password", AUTH, "priv", "AES", "priv-password", PRIV));
            device(m, "acme", Map.of("name", "router-5", "site", "hq", "address", "127.0.0.5", "community", "public"));
            // router-3's user, and its engine id configured: a trap under another engine id is not router-8's
            device(m, "acme", Map.of("name", "router-8", "site", "hq", "address", "127.0.0.8", "version", "3", "user", V3, "auth", "SHA",
                    "auth-password", AUTH, "priv", "AES", "priv-password", PRIV, "engine-id", "0x80001f8880aabbccdd08"));
            // another site of acme: its traps are not this receiver's
            device(m, "acme", Map.of("name", "branch-6", "site", "branch", "address", "127.0.0.6", "community", "public"));
        }
        TrapRules rules = TrapRules.load(Path.of("..", "etc", "traps"));
        acmePort = FreePorts.udp();
        betaPort = FreePorts.udp();
        acme = TrapReceiver.start(new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD), "acme", "hq",
                new TrapReceiver.Settings("127.0.0.1", acmePort, 50, 10_000, rules));
        beta = TrapReceiver.start(new Credentials(NODE.node().coreUrl(), "beta-poller", PASSWORD), "beta", "hq",
                new TrapReceiver.Settings("127.0.0.1", betaPort, 50, 10_000, rules));
    }

    @AfterAll
    static void stop() throws Exception {
        for (TrapReceiver r : new TrapReceiver[] {acme, beta}) {
            if (r != null) {
                r.close();
            }
        }
    }

    private static void device(ManagementClient m, String tenant, Map<String, String> fields) throws Exception {
        m.text(ManagementClient.INVENTORY, "addDevice", tenant, Json.write(fields));
    }

    private static Credentials admin() {
        return NODE.node().admin().at(NODE.node().coreUrl());
    }


    /** Every event published to a tenant's events, as JSON, in arrival order. */
    private static final class Events implements AutoCloseable {
        final List<JsonObject> seen = new CopyOnWriteArrayList<>();
        private final Connection connection;

        Events(String tenant) throws Exception {
            connection = admin().factory().createConnection();
            Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            String address = "tenant." + tenant + ".events";
            MessageConsumer c = s.createConsumer(s.createQueue(address + "::" + address));
            c.setMessageListener(m -> {
                try {
                    JsonObject o = JsonLoader.readObject(new StringReader(((TextMessage) m).getText()));
                    assertEquals(tenant, m.getStringProperty("tenant"));
                    seen.add(o);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            connection.start();
        }

        List<JsonObject> ofType(String type) {
            return seen.stream().filter(o -> o.getString("type").equals(type)).toList();
        }

        JsonObject await(String what, java.util.function.Predicate<JsonObject> wanted) throws InterruptedException {
            Waits.until(Duration.ofSeconds(20), what, () -> seen.stream().anyMatch(wanted));
            return seen.stream().filter(wanted).findFirst().orElseThrow();
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }

    private static String trapOid(JsonObject event) {
        return event.getJsonObject("trap").getString("oid");
    }

    private static void snmp(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of(command));
        full.addAll(1, List.of("-m", "", "-r", "1", "-t", "2"));
        NetSnmp.run(full);
    }

    @Test
    void everyVersionArrivesAsAnEventOfItsDevice() throws Exception {
        String target = "127.0.0.1:" + acmePort;
        try (Events events = new Events("acme")) {
            // v1 linkDown (generic 2) from router-1, with ifIndex 3
            snmp("snmptrap", "-v", "1", "-c", "public", target, "1.3.6.1.4.1.8072.3.2.10", "127.0.0.1", "2", "0", "", "1.3.6.1.2.1.2.2.1.1.3", "i", "3");
            JsonObject v1 = events.await("the v1 trap", e -> e.getString("type").equals("trap") && e.getJsonObject("trap").getString("version").equals("1"));
            assertEquals("router-1", v1.getString("device"));
            assertEquals("1.3.6.1.6.3.1.1.5.3", trapOid(v1));
            assertEquals("linkDown", v1.getJsonObject("trap").getString("name"));
            assertEquals("minor", v1.getString("severity"));
            assertEquals("1.3.6.1.2.1.2.2.1.1.3", v1.getJsonObject("trap").getJsonArray("varbinds").getJsonObject(0).getString("oid"));
            assertEquals(3, v1.getJsonObject("trap").getJsonArray("varbinds").getJsonObject(0).getInt("value"));
            // the v1 trap's enterprise, as snmpTrapEnterprise.0 (RFC 3584)
            JsonObject enterprise = v1.getJsonObject("trap").getJsonArray("varbinds").getJsonObject(1);
            assertEquals("1.3.6.1.6.3.1.1.4.3.0", enterprise.getString("oid"));
            assertEquals("1.3.6.1.4.1.8072.3.2.10", enterprise.getString("value"));

            // v2c from 127.0.0.7 claiming to be 127.0.0.5 (snmpTrapAddress.0): router-5's
            snmp("snmptrap", "-v", "2c", "-c", "public", "--clientaddr=127.0.0.7", target, "", "1.3.6.1.6.3.1.1.5.4",
                    "1.3.6.1.6.3.18.1.3.0", "a", "127.0.0.5");
            JsonObject claimed = events.await("the v2c trap", e -> e.getString("type").equals("trap") && trapOid(e).equals("1.3.6.1.6.3.1.1.5.4"));
            assertEquals("router-5", claimed.getString("device"));
            assertEquals("normal", claimed.getString("severity"));
            assertEquals("127.0.0.5", claimed.getString("address"));
            assertTrue(claimed.getJsonObject("trap").getString("source").startsWith("127.0.0.7:"), claimed.toString());

            // a v2c inform: snmpinform exits 0 only when it is answered
            snmp("snmpinform", "-v", "2c", "-c", "public", target, "", "1.3.6.1.6.3.1.1.5.1");
            JsonObject inform = events.await("the v2c inform", e -> e.getString("type").equals("trap") && trapOid(e).equals("1.3.6.1.6.3.1.1.5.1"));
            assertEquals("inform", inform.getJsonObject("trap").getString("pdu"));
            assertEquals("router-1", inform.getString("device"));

            // v3 authPriv trap from router-3 (the sender's engine id, learnt) and a v3 inform (answered)
            List<String> v3 = List.of("-v", "3", "-u", V3, "-l", "authPriv", "-a", "SHA", "-A", AUTH, "-x", "AES", "-X", PRIV, "--clientaddr=127.0.0.3");
            List<String> trap = new ArrayList<>(List.of("snmptrap"));
            trap.addAll(v3);
            trap.addAll(List.of("-e", "0x80001f8880aabbccdd01", target, "", "1.3.6.1.6.3.1.1.5.2"));
            snmp(trap.toArray(String[]::new));
            JsonObject v3trap = events.await("the v3 trap", e -> e.getString("type").equals("trap") && trapOid(e).equals("1.3.6.1.6.3.1.1.5.2"));
            assertEquals("router-3", v3trap.getString("device"));
            assertEquals("3", v3trap.getJsonObject("trap").getString("version"));
            List<String> inform3 = new ArrayList<>(List.of("snmpinform"));
            inform3.addAll(v3);
            inform3.addAll(List.of(target, "", "1.3.6.1.6.3.1.1.5.5"));
            snmp(inform3.toArray(String[]::new));
            JsonObject v3inform = events.await("the v3 inform", e -> e.getString("type").equals("trap") && trapOid(e).equals("1.3.6.1.6.3.1.1.5.5"));
            assertEquals("router-3", v3inform.getString("device"));

            // a wrong v3 key is refused by USM and counted, never published
            long refused = acme.refused();
            List<String> wrong = new ArrayList<>(List.of("snmptrap", "-v", "3", "-u", V3, "-l", "authPriv", "-a", "SHA", "-A", "not-the-key",
                    "-x", "AES", "-X", PRIV, "--clientaddr=127.0.0.3", "-e", "0x80001f8880aabbccdd01", target, "", "1.3.6.1.4.1.99999.0.1"));
            snmp(wrong.toArray(String[]::new));
            Waits.until(Duration.ofSeconds(10), "the wrong key to be refused", () -> acme.refused() > refused);
            // router-1's address with another community, or router-3's (an SNMPv3 device) with any: anyone may claim an
            // address, only the device's credentials make a trap its
            long before = acme.refused();
            snmp("snmptrap", "-v", "2c", "-c", "not-public", target, "", "1.3.6.1.4.1.99999.0.2");
            snmp("snmptrap", "-v", "2c", "-c", "public", "--clientaddr=127.0.0.3", target, "", "1.3.6.1.4.1.99999.0.3");
            Waits.until(Duration.ofSeconds(10), "both forged traps to be refused", () -> acme.refused() >= before + 2);

            // router-8's engine id is configured: a trap of its user from its engine is its, from another refused (an
            // agent's traps carry its engine id as their authoritative and context engine: snmptrap needs -e and -E)
            List<String> v3at8 = new ArrayList<>(v3.subList(0, v3.size() - 1));
            v3at8.add("--clientaddr=127.0.0.8");
            List<String> pinned = new ArrayList<>(List.of("snmptrap"));
            pinned.addAll(v3at8);
            pinned.addAll(List.of("-e", "0x80001f8880aabbccdd08", "-E", "0x80001f8880aabbccdd08", target, "", "1.3.6.1.4.1.99997.0.8"));
            snmp(pinned.toArray(String[]::new));
            assertEquals("router-8", events.await("router-8's trap", e -> trapOid(e).equals("1.3.6.1.4.1.99997.0.8")).getString("device"));
            long beforeEngine = acme.refused();
            List<String> otherEngine = new ArrayList<>(List.of("snmptrap"));
            otherEngine.addAll(v3at8);
            otherEngine.addAll(List.of("-e", "0x80001f8880aabbccdd09", "-E", "0x80001f8880aabbccdd09", target, "", "1.3.6.1.4.1.99999.0.4"));
            snmp(otherEngine.toArray(String[]::new));
            Waits.until(Duration.ofSeconds(10), "a trap under another engine id to be refused", () -> acme.refused() > beforeEngine);
            Thread.sleep(500);
            assertTrue(events.seen.stream().noneMatch(e -> e.toString().contains("1.3.6.1.4.1.99999.0.")), events.seen.toString());
        }
    }

    @Test
    void twoTenantsWithOneAddressStayApart() throws Exception {
        try (Events a = new Events("acme"); Events b = new Events("beta")) {
            snmp("snmptrap", "-v", "2c", "-c", "public", "127.0.0.1:" + betaPort, "", "1.3.6.1.4.1.8072.4.0.2");
            JsonObject betaEvent = b.await("beta's trap", e -> e.getString("type").equals("trap"));
            assertEquals("b-router", betaEvent.getString("device"));
            assertEquals("netSnmpShutdown", betaEvent.getJsonObject("trap").getString("name"));
            assertEquals("major", betaEvent.getString("severity"));
            snmp("snmptrap", "-v", "2c", "-c", "public", "127.0.0.1:" + acmePort, "", "1.3.6.1.4.1.8072.4.0.3");
            JsonObject acmeEvent = a.await("acme's trap", e -> e.getString("type").equals("trap") && trapOid(e).equals("1.3.6.1.4.1.8072.4.0.3"));
            assertEquals("router-1", acmeEvent.getString("device"));
            assertEquals("warning", acmeEvent.getString("severity"), "the prefix rule netSnmpNotifications");
            Thread.sleep(500);
            assertTrue(a.seen.stream().noneMatch(e -> trapOid(e).equals("1.3.6.1.4.1.8072.4.0.2")), "beta's trap reached acme: " + a.seen);
            assertTrue(b.ofType("trap").stream().noneMatch(e -> trapOid(e).equals("1.3.6.1.4.1.8072.4.0.3")), "acme's trap reached beta: " + b.seen);
        }
    }

    @Test
    void anInformSentAgainIsStoredOnce() throws Exception {
        String resent = "1.3.6.1.4.1.8072.4.0.3.77";
        String marker = "1.3.6.1.4.1.8072.4.0.3.78";
        Snmp sender = new Snmp(new DefaultUdpTransportMapping(new UdpAddress("127.0.0.1/0")));
        try (Events events = new Events("acme")) {
            sender.listen();
            CommunityTarget<UdpAddress> target = new CommunityTarget<>(new UdpAddress("127.0.0.1/" + acmePort), new OctetString("public"));
            target.setVersion(SnmpConstants.version2c);
            target.setTimeout(3_000);
            target.setRetries(0);
            PDU inform = inform(resent, 777_001);
            for (int i = 0; i < 2; i++) {
                // the same inform twice, as a sender whose answer was lost sends it again
                PDU again = inform(resent, 777_001);
                org.snmp4j.event.ResponseEvent<UdpAddress> answer = sender.send(again, target);
                assertTrue(answer.getResponse() != null, "the inform is answered each time");
                assertEquals(777_001, again.getRequestID().getValue(), "sent with its request id");
            }
            assertTrue(sender.send(inform(marker, 777_002), target).getResponse() != null);
            // events are published in order: a second copy of the first would be there before the marker
            events.await("the marker inform", e -> trapOid(e).equals(marker));
            assertEquals(1, events.seen.stream().filter(e -> trapOid(e).equals(resent)).count(), "stored once: " + events.seen);
        } finally {
            sender.close();
        }
    }

    private static PDU inform(String oid, int requestId) {
        PDU pdu = new PDU();
        pdu.setType(PDU.INFORM);
        pdu.add(new VariableBinding(SnmpConstants.sysUpTime, new TimeTicks(4242)));
        pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, new OID(oid)));
        pdu.setRequestID(new org.snmp4j.smi.Integer32(requestId));
        return pdu;
    }

    @Test
    void anUnknownSenderIsOneEventNotOnePerTrap() throws Exception {
        try (Events events = new Events("acme")) {
            long before = acme.fromUnknownSenders();
            // 127.0.0.6 is a device of another site of acme; 127.0.0.9 of none
            for (String from : List.of("127.0.0.9", "127.0.0.9", "127.0.0.9", "127.0.0.6")) {
                snmp("snmptrap", "-v", "2c", "-c", "public", "--clientaddr=" + from, "127.0.0.1:" + acmePort, "", "1.3.6.1.6.3.1.1.5.3");
            }
            java.util.function.Predicate<JsonObject> fromThem = e -> List.of("127.0.0.9", "127.0.0.6").contains(e.getString("address", ""));
            Waits.until(Duration.ofSeconds(20), "an event for each unknown sender",
                    () -> events.ofType("trap-unknown-sender").stream().filter(fromThem).count() == 2);
            Thread.sleep(500);
            assertEquals(4, acme.fromUnknownSenders() - before);
            assertEquals(2, events.ofType("trap-unknown-sender").stream().filter(fromThem).count(), events.seen.toString());
            assertTrue(events.ofType("trap").stream().noneMatch(fromThem), "a trap of an unknown sender was published: " + events.seen);
            assertTrue(events.ofType("trap-unknown-sender").stream().filter(fromThem).noneMatch(e -> e.containsKey("device")), events.seen.toString());
        }
    }

    @Test
    void aStormIsLimitedAndSummarisedOnce() throws Exception {
        try (Events events = new Events("acme"); Snmp sender = new Snmp(new DefaultUdpTransportMapping(new UdpAddress("127.0.0.5/0")))) {
            sender.listen();
            CommunityTarget<UdpAddress> target = new CommunityTarget<>(new UdpAddress("127.0.0.1/" + acmePort), new OctetString("public"));
            target.setVersion(SnmpConstants.version2c);
            long receivedBefore = acme.received();
            long droppedBefore = acme.rateDropped();
            int sent = 1_000;
            for (int i = 0; i < sent; i++) {
                PDU pdu = new PDU();
                pdu.setType(PDU.TRAP);
                pdu.add(new VariableBinding(SnmpConstants.sysUpTime, new TimeTicks(i)));
                pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, new OID("1.3.6.1.4.1.99998.0." + i)));
                sender.send(pdu, target);
                if (i % 100 == 99) {
                    // the kernel's socket buffer would drop what the receiver has not read yet
                    Thread.sleep(5);
                }
            }
            // loopback UDP may still lose a few under load: judge by what the receiver took in
            Waits.until(Duration.ofSeconds(20), "the storm taken in", () -> acme.received() - receivedBefore >= sent * 9 / 10);
            long taken = stable(() -> acme.received() - receivedBefore);
            long dropped = acme.rateDropped() - droppedBefore;
            assertTrue(dropped > taken / 2, "a storm of " + taken + " traps at 50 a second had only " + dropped + " dropped");
            JsonObject storm = events.await("the storm's summary", e -> e.getString("type").equals("trap-storm"));
            assertEquals("router-5", storm.getString("device"));
            assertTrue(storm.getString("detail").startsWith(dropped + " traps from 127.0.0.5 dropped"), storm.toString());
            java.util.function.Supplier<Long> stormTraps = () -> events.ofType("trap").stream().filter(e -> trapOid(e).startsWith("1.3.6.1.4.1.99998.0."))
                    .count();
            Waits.until(Duration.ofSeconds(20), "the published traps", () -> stormTraps.get() == taken - dropped);
            Thread.sleep(SOURCE_QUIET_MS + 1_000);
            assertEquals(1, events.ofType("trap-storm").size(), "one summary per storm: " + events.ofType("trap-storm"));
            assertEquals(taken - dropped, stormTraps.get());
        }
    }

    /** The value of {@code count} once it has not changed for a second. */
    private static long stable(java.util.function.LongSupplier count) throws InterruptedException {
        long last = count.getAsLong();
        while (true) {
            Thread.sleep(1_000);
            long now = count.getAsLong();
            if (now == last) {
                return now;
            }
            last = now;
        }
    }

    /** The kernel's count of UDP datagrams it dropped for a full receive buffer (/proc/net/snmp, Udp: RcvbufErrors). */
    private static long udpReceiveBufferDrops() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(Path.of("/proc/net/snmp"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                List<String> names = List.of(lines.get(i).split("\\s+"));
                return Long.parseLong(lines.get(i + 1).split("\\s+")[names.indexOf("RcvbufErrors")]);
            }
        }
        return 0;
    }

    private static final long SOURCE_QUIET_MS = 5_000;

    @Test
    void garbageLeavesTheReceiverAnswering() throws Exception {
        long before = acme.malformed();
        long kernelBefore = udpReceiveBufferDrops();
        Random random = new Random(42);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.9"))) {
            InetAddress to = InetAddress.getByName("127.0.0.1");
            for (int i = 0; i < 10_000; i++) {
                byte[] junk = new byte[1 + random.nextInt(i % 100 == 0 ? 60_000 : 600)];
                random.nextBytes(junk);
                if (i % 2 == 0) {
                    // half of them look like the start of an SNMP message (a SEQUENCE of some length)
                    junk[0] = 0x30;
                }
                s.send(new DatagramPacket(junk, junk.length, to, acmePort));
                if (i % 50 == 49) {
                    // the kernel's socket buffer would drop what the receiver has not read yet
                    Thread.sleep(2);
                }
            }
        }
        try (Events events = new Events("acme")) {
            snmp("snmpinform", "-v", "2c", "-c", "public", "127.0.0.1:" + acmePort, "", "1.3.6.1.4.1.8072.4.0.9");
            events.await("a trap after the garbage", e -> e.getString("type").equals("trap") && trapOid(e).equals("1.3.6.1.4.1.8072.4.0.9"));
        }
        long malformed = stable(() -> acme.malformed() - before);
        long kernel = udpReceiveBufferDrops() - kernelBefore;
        System.out.println("trap receiver: 10,000 garbage packets, " + malformed + " counted malformed, " + kernel + " dropped by the kernel; " + acme.counts());
        assertTrue(malformed >= 5_000 && malformed <= 10_000 && malformed + kernel >= 10_000, malformed + " of 10,000 garbage packets were counted, " + kernel
                + " dropped by the kernel before the receiver saw them");
    }
}
