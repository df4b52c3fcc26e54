package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.node.RunningNode;
import jakarta.jms.JMSException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code junction device} end to end against a running node: the inventory, its secrets, its imports and who may do what. */
class DeviceCommandsTest {
    private static final String PASSWORD = "user-password-1";

    @TempDir
    Path dir;
    RunningNode node;
    AdminCli admin;

    @BeforeEach
    void start() throws Exception {
        node = RunningNode.start(dir.resolve("data"));
        admin = new AdminCli(node);
        admin.run("tenant", "create", "acme").ok();
        admin.run("tenant", "create", "beta").ok();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private CliRun as(String user, String input, String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of("--url", node.coreUrl(), "--user", user, "--password", PASSWORD));
        return CliRun.withInput(input, all.toArray(String[]::new));
    }

    private JsonArray devices(String tenant) {
        return JsonLoader.readArray(new StringReader(admin.run("device", "list", "--tenant", tenant, "--json").ok().out()));
    }

    @Test
    void aDeviceIsAddedWithItsCommunityFromStandardInputAndNoCommandPrintsItBack() {
        CliRun added = admin.runWithInput("acme-community-7\n", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.1", "core-1").ok();
        assertTrue(added.out().contains("added device core-1 to tenant acme"), added.out());
        admin.runWithInput("auth-secret-9\npriv-secret-9\n", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.2",
                "--snmp-version", "3", "--snmp-user", "poller", "--auth", "SHA-256", "--priv", "AES", "edge-1").ok();
        for (CliRun shown : new CliRun[] {admin.run("device", "list", "--tenant", "acme"), admin.run("device", "show", "--tenant", "acme", "core-1"),
                admin.run("device", "show", "--tenant", "acme", "edge-1", "--json"), admin.run("device", "export", "--tenant", "acme")}) {
            shown.ok();
            for (String secret : new String[] {"acme-community-7", "auth-secret-9", "priv-secret-9"}) {
                assertFalse(shown.out().contains(secret) || shown.err().contains(secret), "printed back: " + shown.out());
            }
        }
        assertTrue(admin.run("device", "show", "--tenant", "acme", "core-1").out().contains("community:        ***"));
        assertEquals(2, devices("acme").size());
        CliRun noSecret = admin.runWithInput("", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.3", "core-3");
        assertEquals(2, noSecret.exitCode());
        assertTrue(noSecret.errorLine().contains("No community of device core-3 on standard input"), noSecret.err());
    }

    @Test
    void oneAddressIsOneDevicePerSiteOfATenant() {
        admin.runWithInput("c\n", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.1", "core-1").ok();
        admin.runWithInput("c\n", "device", "add", "--tenant", "acme", "--site", "branch", "--address", "10.0.0.1", "branch-1").ok();
        admin.runWithInput("c\n", "device", "add", "--tenant", "beta", "--site", "hq", "--address", "10.0.0.1", "core-1").ok();
        CliRun clash = admin.runWithInput("c\n", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.1", "core-2");
        assertEquals(1, clash.exitCode());
        assertTrue(clash.errorLine().contains("10.0.0.1:161 of device core-1 in site hq"), clash.err());
        CliRun badPort = admin.runWithInput("c\n", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.9", "--port", "0", "x");
        assertEquals(2, badPort.exitCode());
        assertTrue(badPort.errorLine().contains("Invalid port '0' for device 'x'"), badPort.err());
        admin.run("device", "update", "--tenant", "acme", "core-1", "--interval", "5m", "--set", "max-repetitions=5").ok();
        assertTrue(admin.run("device", "show", "--tenant", "acme", "core-1").ok().out().contains("max-repetitions:  5"));
        admin.run("device", "remove", "--tenant", "acme", "branch-1").ok();
        assertEquals(1, devices("acme").size());
        assertEquals(1, devices("beta").size());
    }

    @Test
    void anImportIsAllOrNothingAndNamesTheLineOfABadRow() throws Exception {
        StringBuilder csv = new StringBuilder("name,site,address,community\n");
        for (int i = 1; i <= 900; i++) {
            csv.append("dev-").append(i).append(",hq,10.1.").append(i / 250).append('.').append(i % 250).append(",public-").append(i % 7).append('\n');
        }
        Path good = dir.resolve("good.csv");
        Files.writeString(good, csv);
        CliRun imported = admin.run("device", "import", "--tenant", "acme", good.toString(), "--json").ok();
        assertTrue(imported.out().contains("\"imported\":900") && imported.out().contains("\"added\":900"), imported.out());
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, csv.toString().replace("dev-500,hq,10.1.2.0,public-3", "dev-500,hq,10.1.2.0,").replace("dev-1,", "new-1,"));
        CliRun refused = admin.run("device", "import", "--tenant", "acme", bad.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.errorLine().contains("line 501") && refused.errorLine().contains("community"), refused.err());
        assertEquals(900, devices("acme").size());
        assertTrue(devices("acme").stream().noneMatch(v -> v.asJsonObject().getString("name").equals("new-1")), "nothing of the bad file was imported");
        // an export, secrets hidden, imports as an update that keeps every secret
        Path exported = dir.resolve("export.csv");
        Files.writeString(exported, admin.run("device", "export", "--tenant", "acme").ok().out());
        CliRun again = admin.run("device", "import", "--tenant", "acme", exported.toString(), "--json").ok();
        assertTrue(again.out().contains("\"updated\":900"), again.out());
        CliRun over = admin.run("tenant", "update", "beta", "--max-devices", "2");
        over.ok();
        Files.writeString(good, "name,site,address,community\na,hq,10.0.0.1,c\nb,hq,10.0.0.2,c\nc,hq,10.0.0.3,c\n");
        CliRun tooMany = admin.run("device", "import", "--tenant", "beta", good.toString());
        assertEquals(1, tooMany.exitCode());
        assertTrue(tooMany.errorLine().contains("max-devices is 2"), tooMany.err());
        assertEquals(0, devices("beta").size());
    }

    @Test
    void eachUserSeesAndChangesOnlyWhatItsRoleAllows() throws Exception {
        admin.runWithInput("acme-community\n", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.1", "core-1").ok();
        admin.runWithInput("beta-community\n", "device", "add", "--tenant", "beta", "--site", "hq", "--address", "10.0.0.1", "core-1").ok();
        admin.addUser("acme-admin", "acme", "admin", PASSWORD).ok();
        admin.addUser("acme-poller", "acme", "poller", PASSWORD).ok();
        admin.addUser("acme-app", "acme", "producer,consumer", PASSWORD).ok();
        admin.addUser("noc", null, "operator", PASSWORD).ok();

        as("acme-admin", "c2\n", "device", "add", "--tenant", "acme", "--site", "hq", "--address", "10.0.0.2", "core-2").ok();
        assertEquals(1, as("acme-admin", "", "device", "list", "--tenant", "beta").exitCode(), "a tenant's admin reads no other tenant's devices");
        assertEquals(1, as("acme-admin", "c\n", "device", "add", "--tenant", "beta", "--site", "hq", "--address", "10.0.0.9", "x").exitCode());
        assertEquals(1, as("acme-admin", "", "device", "remove", "--tenant", "beta", "core-1").exitCode());
        assertEquals(1, as("acme-app", "", "device", "list", "--tenant", "acme").exitCode(), "a producer or consumer calls no management");
        assertEquals(0, as("noc", "", "device", "list", "--tenant", "beta").exitCode(), "the operator reads every tenant's devices");
        assertEquals(1, as("noc", "", "device", "remove", "--tenant", "beta", "core-1").exitCode(), "but changes none");
        assertEquals(1, as("acme-poller", "", "device", "list", "--tenant", "acme").exitCode(), "a poller has no device commands");

        // a poller reads its own tenant's site with the secrets it polls with, and nothing of another tenant
        Credentials poller = new Credentials(node.coreUrl(), "acme-poller", PASSWORD);
        try (Credentials.Open open = poller.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            JsonArray site = JsonLoader.readArray(new StringReader(m.text(ManagementClient.INVENTORY, "siteDevices", "acme", "hq")));
            assertEquals(2, site.size());
            assertEquals("acme-community", site.getJsonObject(0).getString("community"));
            assertThrows(JMSException.class, () -> m.text(ManagementClient.INVENTORY, "siteDevices", "beta", "hq"));
            assertThrows(JMSException.class, () -> m.text(ManagementClient.INVENTORY, "removeDevice", "acme", "core-1"));
            assertThrows(JMSException.class, () -> m.text(ManagementClient.DIRECTORY, "users", "acme"));
        }
        Credentials acmeAdmin = new Credentials(node.coreUrl(), "acme-admin", PASSWORD);
        try (Credentials.Open open = acmeAdmin.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            assertThrows(JMSException.class, () -> m.text(ManagementClient.INVENTORY, "siteDevices", "acme", "hq"),
                    "even its tenant's admin reads no secret back");
        }
        assertEquals(2, devices("acme").size());
        assertEquals(1, devices("beta").size());
    }

    @Test
    void aPollerThatMayNotReadTheInventoryOrHasABadConfigurationStopsWithOneLine() throws Exception {
        admin.addUser("acme-app", "acme", "producer", PASSWORD).ok();
        Path asApp = dir.resolve("app.properties");
        Files.writeString(asApp, "bus.url=" + node.coreUrl() + "\nbus.user=acme-app\nbus.password=" + PASSWORD + "\npoller.profiles=../etc/profiles\n");
        CliRun notAPoller = CliRun.of("poller", "start", "--tenant", "acme", "--site", "hq", "--config", asApp.toString());
        assertEquals(1, notAPoller.exitCode());
        assertTrue(notAPoller.errorLine().contains("poller role"), notAPoller.err());
        Path config = dir.resolve("poller.properties");
        Files.writeString(config, "bus.url=" + node.coreUrl() + "\npoller.max-pols=5\n");
        CliRun typo = CliRun.of("poller", "start", "--tenant", "acme", "--site", "hq", "--config", config.toString());
        assertEquals(1, typo.exitCode());
        assertTrue(typo.errorLine().contains("poller.max-pols") && typo.errorLine().contains(config.toString()), typo.err());
        Files.writeString(config, "bus.url=" + node.coreUrl() + "\nspool.max-size=1KiB\n");
        CliRun tinySpool = CliRun.of("poller", "start", "--tenant", "acme", "--site", "hq", "--config", config.toString());
        assertEquals(1, tinySpool.exitCode());
        assertTrue(tinySpool.errorLine().contains("spool.max-size") && tinySpool.errorLine().contains("1KiB"), tinySpool.err());

        // a bus that cannot be reached, and no spool of an earlier run to poll from: one line
        Files.writeString(config, "bus.url=tcp://127.0.0.1:" + io.junction.testing.FreePorts.next() + "\nbus.user=acme-app\nbus.password=" + PASSWORD
                + "\npoller.profiles=../etc/profiles\nspool.dir=" + dir.resolve("spool") + "\n");
        CliRun unreachable = CliRun.of("poller", "start", "--tenant", "acme", "--site", "hq", "--config", config.toString());
        assertEquals(1, unreachable.exitCode());
        assertTrue(unreachable.errorLine().contains("Cannot connect"), unreachable.err());

        // a spool another poller holds
        admin.addUser("acme-poller", "acme", "poller", PASSWORD).ok();
        Files.writeString(config, "bus.url=" + node.coreUrl() + "\nbus.user=acme-poller\nbus.password=" + PASSWORD
                + "\npoller.profiles=../etc/profiles\nspool.dir=" + dir.resolve("spool") + "\n");
        try (io.junction.poll.spool.Spool held = io.junction.poll.spool.Spool.open(dir.resolve("spool").resolve("acme").resolve("hq"), 1 << 20,
                Duration.ofHours(1))) {
            CliRun taken = CliRun.of("poller", "start", "--tenant", "acme", "--site", "hq", "--config", config.toString());
            assertEquals(1, taken.exitCode());
            assertTrue(taken.errorLine().contains("held by another poller") && taken.errorLine().contains("spool.dir"), taken.err());
        }
    }

    @Test
    void consumersWithAStoreThatCannotBeOpenedOrTheWrongRoleStopWithOneLine() throws Exception {
        admin.addUser("acme-events", "acme", "consumer", PASSWORD).ok();
        admin.addUser("acme-app", "acme", "producer", PASSWORD).ok();
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        Path config = dir.resolve("consumers.properties");
        Files.writeString(config, "bus.url=" + node.coreUrl() + "\nbus.user=acme-events\nbus.password=" + PASSWORD + "\nstore.dir=" + notADirectory + "\n");
        CliRun badStore = CliRun.of("consumers", "start", "--tenant", "acme", "--config", config.toString());
        assertEquals(1, badStore.exitCode());
        assertTrue(badStore.errorLine().startsWith("junction: store.url jdbc:h2:file:" + notADirectory), badStore.err());
        Files.writeString(config, "bus.url=" + node.coreUrl() + "\nbus.user=acme-app\nbus.password=" + PASSWORD + "\nstore.dir=" + dir.resolve("store") + "\n");
        CliRun producer = CliRun.of("consumers", "start", "--tenant", "acme", "--config", config.toString());
        assertEquals(1, producer.exitCode());
        assertTrue(producer.errorLine().contains("cannot start as acme-app") && producer.errorLine().contains("consumer role"), producer.err());
        CliRun unknown = CliRun.of("consumers", "start", "--tenant", "acme", "--only", "events,charts", "--config", config.toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.errorLine().contains("consumers.only"), unknown.err());
        CliRun neither = CliRun.of("consumers", "start", "--config", config.toString());
        assertEquals(2, neither.exitCode());
        assertTrue(neither.err().contains("Give either --tenant ID or --all-tenants"), neither.err());
        CliRun notOperator = CliRun.of("consumers", "start", "--all-tenants", "--config", config.toString());
        assertEquals(1, notOperator.exitCode());
        assertTrue(notOperator.errorLine().contains("the listeners of every tenant cannot start as acme-app")
                && notOperator.errorLine().contains("service's operator"), notOperator.err());
    }

    private static java.net.http.HttpResponse<String> apiCall(String api, String user, String path) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/api/v1/tenants/acme/" + path))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(
                        java.nio.charset.StandardCharsets.UTF_8))).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static String api(String api, String user, String path) throws Exception {
        java.net.http.HttpResponse<String> r = apiCall(api, user, path);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static int apiStatus(String api, String user, String path) throws Exception {
        return apiCall(api, user, path).statusCode();
    }

    @Test
    void eventsMetricsAndChartsComeFromTheConsumersApi() throws Exception {
        // a consumer and producer: the alerts action publishes as the consumers' user
        admin.addUser("acme-events", "acme", "consumer,producer", PASSWORD).ok();
        admin.addUser("acme-poller", "acme", "poller", PASSWORD).ok();
        admin.addUser("beta-events", "beta", "consumer", PASSWORD).ok();
        // the tenant's rules send every problem to a webhook (a real HTTP server) and the log
        java.util.List<String> hooked = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            hooked.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("acme.properties"), "rule.all.actions = log,webhook:ops,alerts\nwebhook.ops.url = http://127.0.0.1:"
                + hook.getAddress().getPort() + "/hook\nwebhook.ops.token = hook-token-1\n");
        io.junction.consume.ConsumersProcess.Settings settings = new io.junction.consume.ConsumersProcess.Settings(java.util.Set.of("events", "metrics"),
                "main", io.junction.consume.store.Database.Settings.h2(dir.resolve("store")), Duration.ofHours(1),
                io.junction.consume.metric.MetricStore.Settings.defaults(dir.resolve("metrics")),
                new io.junction.consume.api.ApiServer.Settings("127.0.0.1", 0, "", ""), Duration.ofSeconds(5), rules,
                io.junction.consume.notify.Notifier.Settings.DEFAULTS);
        java.time.Instant t0 = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        try (io.junction.consume.ConsumersProcess consumers = io.junction.consume.ConsumersProcess.start(
                new Credentials(node.coreUrl(), "acme-events", PASSWORD), "acme", settings);
                jakarta.jms.Connection alertsWatch = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(node.coreUrl(), "acme-events",
                        PASSWORD).createConnection()) {
            // the tenant's alerts: the broker's divert brings the major event, the alerts action its notification
            jakarta.jms.Session watchSession = alertsWatch.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.MessageConsumer alertsOf = watchSession.createConsumer(watchSession.createTopic("tenant.acme.alerts"));
            alertsWatch.start();
            String api = consumers.apiUrl();
            String event = "{\"format\":1,\"kind\":\"event\",\"type\":\"device-unreachable\",\"severity\":\"major\",\"site\":\"hq\","
                    + "\"device\":\"core-1\",\"time\":\"" + t0 + "\"}";
            as("acme-poller", "", "send", "--to", "topic://tenant.acme.events", "--body", event).ok();
            for (int i = 0; i <= 3; i++) {
                String metrics = "{\"format\":1,\"kind\":\"metrics\",\"site\":\"hq\",\"device\":\"core-1\",\"time\":\"" + t0.plusSeconds(60L * i)
                        + "\",\"reachable\":true,\"sysUpTime\":" + (100_000 + 6_000 * i) + ",\"values\":[{\"name\":\"ifHCInOctets\",\"instance\":\"3\","
                        + "\"type\":\"Counter64\",\"value\":" + 60_000L * i + "}]}";
                as("acme-poller", "", "send", "--to", "topic://tenant.acme.metrics", "--body", metrics).ok();
            }
            io.junction.testing.Waits.until(Duration.ofSeconds(30), "the event stored", () ->
                    as("acme-events", "", "events", "--tenant", "acme", "--api", api, "--json").out().contains("device-unreachable"));
            CliRun list = as("acme-events", "", "events", "--tenant", "acme", "--open", "--api", api).ok();
            assertTrue(list.out().startsWith("ID  SEVERITY  STATE  DEVICE  TYPE") && list.out().contains("major     open   core-1  device-unreachable"),
                    list.out());
            as("acme-events", "", "events", "ack", "1", "--tenant", "acme", "--comment", "ISP ticket 1234", "--api", api).ok();
            CliRun show = as("acme-events", "", "events", "show", "1", "--tenant", "acme", "--api", api).ok();
            assertTrue(show.out().contains("acknowledged by acme-events: ISP ticket 1234") && show.out().contains("acked"), show.out());
            io.junction.testing.Waits.until(Duration.ofSeconds(30), "the rates stored", () -> as("acme-events", "", "metrics", "--tenant", "acme",
                    "--device", "core-1", "--metric", "ifHCInOctets", "--instance", "3", "--since", "1h", "--api", api).out().contains("1000.000"));
            assertTrue(as("acme-events", "", "metrics", "--tenant", "acme", "--device", "core-1", "--api", api).ok().out().contains("ifHCInOctets  3"));
            Path png = dir.resolve("chart.png");
            as("acme-events", "", "chart", "--tenant", "acme", "--device", "core-1", "--metric", "ifHCInOctets", "--instance", "3", "--since", "1h",
                    "-o", png.toString(), "--api", api).ok();
            assertEquals("PNG", new String(Files.readAllBytes(png), 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
            // a poller of site hq announces itself, as junction poller start does
            try (io.junction.client.BusConnection pollerBus = io.junction.client.BusConnection.open(new Credentials(node.coreUrl(), "acme-poller",
                    PASSWORD), Duration.ofSeconds(5))) {
                io.junction.poll.site.Announcement announcement = new io.junction.poll.site.Announcement("acme", "hq", "poller");
                announcement.send(pollerBus, java.util.Map.of());
                String pollers = api(api, "acme-events", "pollers");
                assertTrue(pollers.contains("\"site\":\"hq\"") && pollers.contains("\"alive\":1") && pollers.contains(announcement.id()), pollers);
            }
            CliRun status = as("acme-events", "", "status", "--tenant", "acme", "--api", api);
            assertEquals(0, status.exitCode(), status.out() + status.err());
            assertTrue(status.out().contains("core-1  hq    up") && status.out().contains("1 major")
                    && status.out().contains("Tenant acme: 1 devices, 1 up, 0 down, 0 unknown; open problems: 1 major")
                    && status.out().contains("Site hq: 1 alive (") && !status.out().contains("site-pollers-lost"), status.out());
            assertEquals(404, apiStatus(api, "beta-events", "pollers"), "another tenant's pollers");
            CliRun window = as("acme-events", "", "maintenance", "add", "--tenant", "acme", "--site", "hq", "--for", "2h", "--reason", "power work",
                    "--api", api).ok();
            assertTrue(window.out().startsWith("added maintenance window 1 of site hq from "), window.out());
            assertTrue(as("acme-events", "", "maintenance", "list", "--tenant", "acme", "--api", api).ok().out().contains("site hq"));
            as("acme-events", "", "maintenance", "remove", "1", "--tenant", "acme", "--api", api).ok();
            assertEquals(2, as("acme-events", "", "maintenance", "add", "--tenant", "acme", "--reason", "x", "--api", api).exitCode(), "no end: usage");
            // another tenant's user: one line, the API's 404
            CliRun other = as("beta-events", "", "events", "--tenant", "acme", "--api", api);
            assertEquals(1, other.exitCode());
            assertTrue(other.errorLine().contains("(404)"), other.err());
            CliRun badSeverity = as("acme-events", "", "events", "--tenant", "acme", "--severity", "bogus", "--api", api);
            assertTrue(badSeverity.errorLine().contains("(400)") && badSeverity.errorLine().contains("bogus"), badSeverity.err());
            // the problem's opening went to the webhook and the log, and junction notifications says so, without the token
            io.junction.testing.Waits.until(Duration.ofSeconds(30), "the webhook told", () -> !hooked.isEmpty());
            assertTrue(hooked.get(0).contains("\"reason\":\"opened\"") && hooked.get(0).contains("\"device\":\"core-1\""), hooked.get(0));
            io.junction.testing.Waits.until(Duration.ofSeconds(30), "the webhook delivery marked delivered", () -> as("acme-events", "",
                    "notifications", "--tenant", "acme", "--api", api).out().lines().anyMatch(l -> l.contains("webhook:ops") && l.contains("delivered")));
            CliRun sent = as("acme-events", "", "notifications", "--tenant", "acme", "--api", api).ok();
            assertTrue(sent.out().startsWith("ID  PROBLEM  REASON  RULE  ACTION") && sent.out().contains("opened  all   webhook:ops  http://127.0.0.1:")
                    && sent.out().contains("delivered") && sent.out().contains("log"), sent.out());
            assertFalse(sent.out().contains("hook-token-1"), sent.out());
            assertTrue(sent.out().lines().anyMatch(l -> l.contains(" alerts ") && l.contains("tenant.acme.alerts") && l.contains("delivered")), sent.out());
            // (junction send sets no severity property, so the broker's divert leaves this event out of the alerts)
            jakarta.jms.Message notice = alertsOf.receive(10_000);
            assertTrue(notice != null, "no notification on tenant.acme.alerts");
            String noticeText = ((jakarta.jms.TextMessage) notice).getText();
            assertEquals("notification", notice.getStringProperty("kind"), noticeText);
            assertEquals("core-1", notice.getStringProperty("device"));
            assertEquals("major", notice.getStringProperty("severity"));
            assertTrue(noticeText.contains("\"reason\":\"opened\"") && noticeText.contains("\"device\":\"core-1\""), noticeText);
            assertEquals(null, alertsOf.receive(1_000), "one notification: a delivery is published once");
            assertTrue(as("acme-events", "", "notifications", "--tenant", "acme", "--failed", "--api", api).ok().out().lines().count() <= 1,
                    "nothing failed");
        } finally {
            hook.stop(0);
        }
        CliRun down = as("acme-events", "", "events", "--tenant", "acme", "--api", "http://127.0.0.1:" + io.junction.testing.FreePorts.next());
        assertEquals(1, down.exitCode());
        assertTrue(down.errorLine().contains("Cannot connect to the consumers' API"), down.err());
    }

    @Test
    void aTrapReceiverWithBadRulesABusyPortOrTheWrongRoleStopsWithOneLine() throws Exception {
        admin.addUser("acme-poller", "acme", "poller", PASSWORD).ok();
        admin.addUser("acme-app", "acme", "producer", PASSWORD).ok();
        Path rules = Files.createDirectories(dir.resolve("traps"));
        Files.writeString(rules.resolve("site.properties"), "trap.linkDown.oid = 1.3.6.1.6.3.1.1.5.3\ntrap.linkDown.severity = hot\n");
        Path config = dir.resolve("traps.properties");
        Files.writeString(config, "bus.url=" + node.coreUrl() + "\nbus.user=acme-poller\nbus.password=" + PASSWORD + "\ntraps.rules=" + rules + "\n");
        CliRun badRule = CliRun.of("traps", "start", "--tenant", "acme", "--site", "hq", "--config", config.toString(), "--port", "1");
        assertEquals(1, badRule.exitCode());
        assertTrue(badRule.errorLine().contains("trap.linkDown.severity") && badRule.errorLine().contains("site.properties")
                && badRule.errorLine().contains("hot"), badRule.err());
        Files.writeString(rules.resolve("site.properties"), "trap.linkDown.oid = 1.3.6.1.6.3.1.1.5.3\ntrap.linkDown.severity = minor\n");
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("0.0.0.0"))) {
            CliRun busy = CliRun.of("traps", "start", "--tenant", "acme", "--site", "hq", "--config", config.toString(), "--port",
                    String.valueOf(taken.getLocalPort()));
            assertEquals(1, busy.exitCode());
            assertTrue(busy.errorLine().contains("Cannot listen for traps on UDP 0.0.0.0:" + taken.getLocalPort()), busy.err());
        }
        Files.writeString(config, "bus.url=" + node.coreUrl() + "\nbus.user=acme-app\nbus.password=" + PASSWORD + "\ntraps.rules=" + rules + "\n");
        CliRun notAPoller = CliRun.of("traps", "start", "--tenant", "acme", "--site", "hq", "--config", config.toString());
        assertEquals(1, notAPoller.exitCode());
        assertTrue(notAPoller.errorLine().contains("poller role"), notAPoller.err());
    }

    @Test
    void simulatedDevicesAreAddedToASite() {
        int port = io.junction.testing.FreePorts.udp();
        CliRun sim = admin.runWithInput("status\nquit\n", "simulate", "--devices", "5", "--interfaces", "2", "--address", "127.6.1.1", "--port",
                String.valueOf(port), "--tenant", "acme", "--site", "lab", "--interval", "30s").ok();
        assertTrue(sim.out().contains("added to site lab of tenant acme") && sim.out().contains("ok: 5 devices"), sim.out());
        JsonArray lab = JsonLoader.readArray(new StringReader(admin.run("device", "list", "--tenant", "acme", "--site", "lab", "--json").ok().out()));
        assertEquals(5, lab.size());
        assertTrue(lab.stream().anyMatch(d -> d.asJsonObject().getString("name").equals("sim-00005")
                && d.asJsonObject().getString("address").equals("127.6.1.5:" + port)), lab.toString());
        assertEquals("30s", lab.getJsonObject(0).getString("interval"));
    }
}
