package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.client.TenantAddresses;
import io.junction.node.RunningNode;
import io.junction.poll.profile.Profiles;
import io.junction.poll.site.SitePoller;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.trap.TrapReceiver;
import io.junction.poll.trap.TrapRules;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code junction poller status} against a running node with a live poller and a trap receiver: a site with a live
 * poller is polled, one with devices and none is UNKNOWN (exit 1), and a poller that stops drops out by itself; no one
 * but a tenant's pollers announces on its pollers queue, and no tenant's admin reads another's.
 */
class PollerStatusTest {
    private static final String PASSWORD = "user-password-1";

    @TempDir
    Path dir;
    RunningNode node;
    AdminCli admin;

    @BeforeEach
    void start() throws Exception {
        node = RunningNode.start(dir.resolve("data"));
        admin = new AdminCli(node);
        for (String tenant : new String[] {"acme", "beta"}) {
            admin.run("tenant", "create", tenant).ok();
            admin.addUser(tenant + "-poller", tenant, "poller", PASSWORD).ok();
            admin.addUser(tenant + "-admin", tenant, "admin", PASSWORD).ok();
        }
        admin.addUser("acme-app", "acme", "producer", PASSWORD).ok();
        // devices nobody answers (a port with no agent): each poll ends at its first timeout, and counts
        int closed = FreePorts.udp();
        device("acme", "hq", "127.0.0.250", closed, "hq-1");
        device("acme", "hq", "127.0.0.251", closed, "hq-2");
        device("acme", "branch", "127.0.0.252", closed, "branch-1");
        device("beta", "hq", "127.0.0.250", closed, "b-hq-1");
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private void device(String tenant, String site, String address, int port, String name) {
        admin.runWithInput("public\n", "device", "add", "--tenant", tenant, "--site", site, "--address", address, "--port", String.valueOf(port),
                "--profiles", "system", "--interval", "2s", "--set", "timeout=200ms", "--set", "retries=0", name).ok();
    }


    private JsonObject site(String tenant, String site, String... as) {
        String[] args = as.length == 0 ? new String[] {"poller", "status", "--json"} : as;
        CliRun run = as.length == 0 ? admin.run(args) : CliRun.of(args);
        if (!run.out().startsWith("{")) {
            throw new AssertionError("poller status failed (" + run.exitCode() + "): " + run.out() + run.err());
        }
        for (JsonValue v : JsonLoader.readObject(new StringReader(run.out())).getJsonArray("sites")) {
            JsonObject s = v.asJsonObject();
            if (s.getString("tenant").equals(tenant) && s.getString("site").equals(site)) {
                return s;
            }
        }
        throw new AssertionError("no site " + tenant + "/" + site + " in " + run.out());
    }

    @Test
    void aSiteWithALivePollerIsPolledAndOneWithoutIsUnknownNotDown() throws Exception {
        Credentials acmePoller = new Credentials(node.coreUrl(), "acme-poller", PASSWORD);
        try (SnmpPoller snmp = SnmpPoller.start(16);
             TrapReceiver traps = TrapReceiver.start(acmePoller, "acme", "branch", new TrapReceiver.Settings("127.0.0.1", FreePorts.udp(), 100, 1000,
                     TrapRules.load(Path.of("..", "etc", "traps"))))) {
            SitePoller poller = SitePoller.start(acmePoller, "acme", "hq", Profiles.load(Path.of("..", "etc", "profiles")), snmp, 10,
                    new io.junction.poll.spool.SpoolSettings(Files.createTempDirectory("junction-spool-"), 64L << 20, Duration.ofHours(1), Duration.ofSeconds(30)));
            try {
                String[] last = {""};
                boolean announced2 = Waits.poll(Duration.ofSeconds(60), Duration.ofMillis(500), () -> {
                    CliRun r = admin.run("poller", "status", "--json");
                    last[0] = r.out() + r.err();
                    return site("acme", "hq").getJsonArray("pollers").stream().anyMatch(p -> p.asJsonObject().getInt("devices") == 2);
                });
                assertTrue(announced2, "the poller never announced both devices it polls; last status: " + last[0]);
                JsonObject hq = site("acme", "hq");
                assertEquals("polled", hq.getString("state"));
                JsonObject announced = hq.getJsonArray("pollers").getJsonObject(0);
                assertEquals("poller", announced.getString("role"));
                assertTrue(announced.getJsonNumber("polls").longValue() >= 2, announced.toString());
                assertEquals(2, announced.getJsonArray("slowest").size(), announced.toString());
                // branch has a trap receiver but no poller: its device is unknown
                JsonObject branch = site("acme", "branch");
                assertEquals("unknown", branch.getString("state"));
                assertEquals("traps", branch.getJsonArray("pollers").getJsonObject(0).getString("role"));
                assertEquals("unknown", site("beta", "hq").getString("state"));

                CliRun table = admin.run("poller", "status", "--tenant", "acme");
                assertEquals(1, table.exitCode(), "a site without a poller: " + table.out());
                assertTrue(table.out().contains("Site branch of tenant acme has no live poller: its 1 devices are unknown, not down."), table.out());
                CliRun hqOnly = admin.run("poller", "status", "--tenant", "acme", "--site", "hq");
                assertEquals(0, hqOnly.exitCode(), hqOnly.out() + hqOnly.err());

                // a tenant's admin sees its own tenant, and not another's
                CliRun own = CliRun.of("poller", "status", "--tenant", "acme", "--url", node.coreUrl(), "--user", "acme-admin", "--password", PASSWORD);
                assertTrue(own.out().contains("hq"), own.out() + own.err());
                CliRun other = CliRun.of("poller", "status", "--tenant", "beta", "--url", node.coreUrl(), "--user", "acme-admin", "--password", PASSWORD);
                assertEquals(1, other.exitCode());
                assertTrue(other.errorLine().contains("acme-admin"), other.err());
                CliRun all = CliRun.of("poller", "status", "--url", node.coreUrl(), "--user", "acme-admin", "--password", PASSWORD);
                assertEquals(1, all.exitCode());
                assertTrue(all.errorLine().contains("own tenant"), all.err());
            } finally {
                poller.close();
            }
            // the stopped poller's announcement expires: the site is unknown, without anyone saying so
            Waits.until(Duration.ofSeconds(60), "the stopped poller to drop out", () -> site("acme", "hq").getString("state").equals("unknown"));
            assertTrue(site("acme", "hq").getJsonArray("pollers").isEmpty());
        }
    }

    @Test
    void onlyATenantsPollersAnnounceOnItsPollersQueue() throws Exception {
        for (String[] intruder : new String[][] {{"acme-app", "a producer of the tenant"}, {"beta-poller", "another tenant's poller"}}) {
            try (Credentials.Open open = new Credentials(node.coreUrl(), intruder[0], PASSWORD).connect()) {
                Session s = open.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertThrows(JMSSecurityException.class, () -> s.createProducer(s.createQueue(TenantAddresses.pollers("acme")))
                        .send(s.createTextMessage("{\"tenant\":\"acme\",\"site\":\"hq\"}")), intruder[1] + " announced on acme's pollers");
            }
        }
        try (Credentials.Open open = new Credentials(node.coreUrl(), "acme-poller", PASSWORD).connect()) {
            Session s = open.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            // a poller announces, and reads nothing back (nor anyone's announcements)
            s.createProducer(s.createQueue(TenantAddresses.pollers("acme"))).send(s.createTextMessage("{}"));
            assertThrows(JMSSecurityException.class, () -> s.createBrowser(s.createQueue(TenantAddresses.pollers("acme"))).getEnumeration());
        }
    }
}
