package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.junction.client.Credentials;
import io.junction.client.Destinations;
import io.junction.client.Json;
import io.junction.client.ListenerLoop;
import io.junction.client.ManagementClient;
import io.junction.client.TenantAddresses;
import io.junction.cluster.ops.LocalClusterExtension;
import io.junction.consume.ConsumersProcess;
import io.junction.consume.api.ApiServer;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.notify.Notifier;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import io.junction.poll.profile.Profiles;
import io.junction.poll.sim.Simulator;
import io.junction.poll.site.SitePoller;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.spool.SpoolSettings;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import jakarta.jms.TextMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * From a device to a notification on a real three-node cluster: simulated devices are polled by a site poller; one
 * goes down; the poller reports it once, the event manager opens one problem (not one per poll), the broker routes the
 * event to the tenant's alerts, and the tenant's rules send it to a mail server (GreenMail's SMTP) and to a webhook (a
 * real HTTP server) that is down for a full minute; the device comes back meanwhile and the problem closes, mailed too;
 * once back, the webhook gets the opening and the closing, each once.
 */
class EndToEndClusterTest {
    @RegisterExtension
    static final LocalClusterExtension CLUSTER = new LocalClusterExtension();
    private static final String PASSWORD = "end-to-end-password-1";
    private static final int DEVICES = 3;

    @TempDir
    Path dir;

    @Test
    void aDeviceDownBecomesOneProblemAnAlertAWebhookAndAMailAndItsReturnClosesIt() throws Exception {
        Credentials admin = CLUSTER.admin();
        int port = FreePorts.udp();
        List<String> hooked = Collections.synchronizedList(new ArrayList<>());
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean webhookDown = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong firstRefusal = new java.util.concurrent.atomic.AtomicLong();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (webhookDown.get()) {
                firstRefusal.compareAndSet(0, System.nanoTime());
                refused.add(body);
                exchange.sendResponseHeaders(503, -1);
            } else {
                hooked.add(body);
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        hook.start();
        GreenMail mail = new GreenMail(new ServerSetup(FreePorts.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        List<String> alerts = Collections.synchronizedList(new ArrayList<>());
        try (Simulator sim = Simulator.start(new Simulator.Settings(DEVICES, 2, "127.9.0.1", port, "public", "simulator", "sim-auth-pass", "sim-priv-pass",
                3600, null)); SnmpPoller snmp = SnmpPoller.start(64)) {
            try (Credentials.Open open = admin.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(15))) {
                m.text(ManagementClient.DIRECTORY, "createTenant", "acme", "Acme", "");
                m.text(ManagementClient.DIRECTORY, "addUser", "acme-poller", "acme", "poller", PASSWORD);
                m.text(ManagementClient.DIRECTORY, "addUser", "acme-events", "acme", "consumer", PASSWORD);
                for (int i = 1; i <= DEVICES; i++) {
                    m.text(ManagementClient.INVENTORY, "addDevice", "acme", Json.write(Map.of("name", sim.name(i), "site", "hq", "address", sim.address(i),
                            "port", String.valueOf(port), "community", "public", "profiles", "system", "interval", "1s", "timeout", "300ms")));
                }
            }
            Credentials events = admin.withUser("acme-events", PASSWORD);
            CLUSTER.awaitLogin(events);
            CLUSTER.awaitLogin(admin.withUser("acme-poller", PASSWORD));
            Path rules = Files.createDirectories(dir.resolve("rules"));
            Files.writeString(rules.resolve("acme.properties"), "rule.noc.severity = major\nrule.noc.actions = log,webhook:ops,mail:noc\n"
                    + "webhook.ops.url = http://127.0.0.1:" + hook.getAddress().getPort() + "/hook\nwebhook.ops.token = end-to-end-token\n"
                    + "mail.noc.to = noc@acme.example\nsmtp.host = 127.0.0.1\nsmtp.port = " + mail.getSmtp().getPort() + "\nsmtp.security = none\n"
                    + "smtp.from = junction@acme.example\n");
            Path store = dir.resolve("store");
            ConsumersProcess.Settings settings = new ConsumersProcess.Settings(Set.of("events"), "main", Database.Settings.h2(store), Duration.ofHours(1),
                    MetricStore.Settings.defaults(dir.resolve("metrics")), new ApiServer.Settings("127.0.0.1", 0, "", ""), Duration.ofSeconds(5), rules,
                    new Notifier.Settings(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofHours(1), Notifier.Settings.DEFAULTS.repeat()));
            ListenerLoop alertReader = ListenerLoop.start(events, Duration.ofSeconds(5), s -> s.createConsumer(Destinations.forReceiving(s,
                    TenantAddresses.alerts("acme"))), message -> alerts.add(((TextMessage) message).getText()), "test-alerts");
            SitePoller poller = SitePoller.start(admin.withUser("acme-poller", PASSWORD), "acme", "hq", Profiles.load(Path.of("..", "etc", "profiles")), snmp,
                    100, new SpoolSettings(dir.resolve("spool"), 64L << 20, Duration.ofHours(1), Duration.ofMinutes(5)));
            try (ConsumersProcess consumers = ConsumersProcess.start(events, "acme", settings); Database db = Database.open(Database.Settings.h2(store))) {
                EventStore problems = new EventStore(db);
                Waits.until(Duration.ofSeconds(60), "every device polled", () -> poller.polls() >= 3L * DEVICES);
                String down = sim.name(1);
                sim.setDown(1, true);
                Waits.until(Duration.ofSeconds(60), "the problem opened, its alert routed and its mail sent", () -> !open(problems).isEmpty()
                        && alerts.stream().anyMatch(a -> a.contains(down)) && mail.getReceivedMessages().length >= 1);
                Waits.until(Duration.ofSeconds(30), "the webhook refusing its tries", () -> refused.size() >= 2);
                Thread.sleep(3_000);
                List<EventStore.Stored> opened = open(problems);
                assertEquals(1, opened.size(), "one problem, not one per poll: " + opened);
                assertEquals(down, opened.get(0).problem().device());
                assertEquals("device-unreachable", opened.get(0).problem().type());
                assertEquals(1, opened.get(0).problem().count(), "the poller reports a transition once");
                assertEquals(1, alerts.stream().filter(a -> a.contains(down)).count(), "one alert: " + alerts);
                assertTrue(mail.getReceivedMessages()[0].getSubject().contains("MAJOR acme " + down), mail.getReceivedMessages()[0].getSubject());

                // the device comes back while the webhook is still down: the problem closes, the closing is mailed
                sim.setDown(1, false);
                Waits.until(Duration.ofSeconds(60), "the problem closed", () -> open(problems).isEmpty());
                Waits.until(Duration.ofSeconds(30), "the closing mailed", () -> mail.getReceivedMessages().length >= 2);
                // the webhook stays down a full minute from its first refusal, then comes back: it gets the opening and
                // the closing, each once
                long outage = Duration.ofMinutes(1).toNanos() - (System.nanoTime() - firstRefusal.get());
                if (outage > 0) {
                    Thread.sleep(outage / 1_000_000);
                }
                assertTrue(hooked.isEmpty(), "nothing taken while down: " + hooked);
                int refusedWhileDown = refused.size();
                webhookDown.set(false);
                Waits.until(Duration.ofSeconds(30), "the webhook told of the opening and the closing", () -> hooked.size() >= 2);
                Thread.sleep(3_000);
                assertEquals(2, hooked.size(), "each notification once: " + hooked);
                assertEquals(1, hooked.stream().filter(h -> h.contains("\"reason\":\"opened\"") && h.contains(down)).count(), hooked.toString());
                assertEquals(1, hooked.stream().filter(h -> h.contains("\"reason\":\"closed\"") && h.contains(down)).count(), hooked.toString());
                assertTrue(refusedWhileDown >= 10, "tried again and again through the minute: " + refusedWhileDown);
                System.out.printf("end to end: the webhook refused %d tries in its minute down, then took %d notifications; %d mails, %d alerts%n", refused.size(),
                        hooked.size(), mail.getReceivedMessages().length, alerts.size());
            } finally {
                poller.close();
                alertReader.stop(Duration.ofSeconds(15));
            }
        } finally {
            hook.stop(0);
            mail.stop();
        }
    }

    private static List<EventStore.Stored> open(EventStore store) {
        try {
            return store.problems(new EventStore.Query("acme", true, null, null, null, 100));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
