package io.junction.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.consume.api.ApiServer;
import io.junction.consume.listen.ListenerSettings;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.notify.Notifier;
import io.junction.consume.store.Database;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One consumers process for every tenant, run as the service's operator: the events and metrics of two tenants are
 * stored each under the tenant its destination names (a body claiming another tenant changes nothing), each tenant's
 * problems are notified by its own rules alone, and its API shows the operator both tenants and each tenant's user its
 * own alone (another's is 404). A tenant's consumer cannot start the process of every tenant.
 */
class OperatorModeTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "operator-pass-1";

    @TempDir
    Path dir;

    @Test
    void theOperatorsProcessKeepsEachTenantApart() throws Exception {
        try (Credentials.Open open = NODE.node().admin().at(NODE.node().coreUrl()).connect();
             ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            for (String tenant : List.of("acme", "globex")) {
                m.text(ManagementClient.DIRECTORY, "createTenant", tenant, tenant, "");
                m.text(ManagementClient.DIRECTORY, "addUser", tenant + "-app", tenant, "producer", PASSWORD);
                m.text(ManagementClient.DIRECTORY, "addUser", tenant + "-events", tenant, "consumer", PASSWORD);
            }
            m.text(ManagementClient.DIRECTORY, "addUser", "noc", "", "operator", PASSWORD);
        }
        // each tenant's rules send its problems to its own webhook path
        List<String> hooked = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", exchange -> {
            hooked.add(exchange.getRequestURI().getPath() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        Path rules = Files.createDirectories(dir.resolve("rules"));
        for (String tenant : List.of("acme", "globex")) {
            Files.writeString(rules.resolve(tenant + ".properties"), "rule.all.actions = webhook:ops\nwebhook.ops.url = http://127.0.0.1:"
                    + hook.getAddress().getPort() + "/" + tenant + "\n");
        }
        ConsumersProcess.Settings settings = new ConsumersProcess.Settings(Set.of("events", "metrics"), "main", Database.Settings.h2(dir.resolve("store")),
                Duration.ofHours(1), MetricStore.Settings.defaults(dir.resolve("metrics")), new ApiServer.Settings("127.0.0.1", 0, "", ""),
                Duration.ofSeconds(5), rules, Notifier.Settings.DEFAULTS);

        // a tenant's consumer may not read every tenant
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ConsumersProcess.start(new Credentials(NODE.node().coreUrl(), "acme-events", PASSWORD), ListenerSettings.ALL, settings).close());
        assertTrue(refused.getMessage().startsWith("the listeners of every tenant cannot start as acme-events")
                && refused.getMessage().contains("service's operator"), refused.getMessage());

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        try (ConsumersProcess consumers = ConsumersProcess.start(new Credentials(NODE.node().coreUrl(), "noc", PASSWORD), ListenerSettings.ALL, settings)) {
            // globex's event claims to be acme's: the destination decides
            publish("acme", "events", event("acme", "core-1", t0));
            publish("globex", "events", event("acme", "edge-7", t0));
            for (String tenant : List.of("acme", "globex")) {
                for (int i = 0; i <= 2; i++) {
                    publish(tenant, "metrics", "{\"format\":1,\"kind\":\"metrics\",\"site\":\"hq\",\"device\":\"" + tenant + "-sw\",\"time\":\""
                            + t0.plusSeconds(60L * i) + "\",\"reachable\":true,\"sysUpTime\":" + (100_000 + 6_000 * i)
                            + ",\"values\":[{\"name\":\"ifHCInOctets\",\"instance\":\"1\",\"type\":\"Counter64\",\"value\":" + 60_000L * i + "}]}");
                }
            }
            String api = consumers.apiUrl();
            Waits.until(Duration.ofSeconds(30), "both tenants' problems", () -> get(api, "tenants/globex/problems", "noc").contains("edge-7")
                    && get(api, "tenants/acme/problems", "noc").contains("core-1"));
            assertTrue(!get(api, "tenants/acme/problems", "noc").contains("edge-7"), "globex's device is not acme's, whatever its body says");
            assertTrue(get(api, "tenants/acme/problems", "acme-events").contains("core-1"), "a tenant's user sees its own");
            assertEquals(404, status(api, "tenants/globex/problems", "acme-events"), "and not another tenant's");
            Waits.until(Duration.ofSeconds(30), "both tenants' rates", () -> get(api, "tenants/globex/devices", "noc").contains("globex-sw")
                    && get(api, "tenants/acme/devices", "noc").contains("acme-sw"));
            assertTrue(!get(api, "tenants/acme/devices", "noc").contains("globex-sw"));
            Waits.until(Duration.ofSeconds(30), "each tenant's webhook", () -> hooked.size() >= 2);
            Thread.sleep(1_500);
            assertEquals(2, hooked.size(), "one notification per problem: " + hooked);
            assertTrue(hooked.stream().anyMatch(h -> h.startsWith("/acme ") && h.contains("core-1") && !h.contains("edge-7")), hooked.toString());
            assertTrue(hooked.stream().anyMatch(h -> h.startsWith("/globex ") && h.contains("edge-7") && h.contains("\"tenant\":\"globex\"")),
                    hooked.toString());
        } finally {
            hook.stop(0);
        }
    }

    private static String event(String claimedTenant, String device, Instant at) {
        return "{\"format\":1,\"kind\":\"event\",\"tenant\":\"" + claimedTenant + "\",\"type\":\"device-unreachable\",\"severity\":\"major\","
                + "\"site\":\"hq\",\"device\":\"" + device + "\",\"time\":\"" + at + "\"}";
    }

    private static void publish(String tenant, String destination, String body) throws Exception {
        try (BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), tenant + "-app", PASSWORD), Duration.ofSeconds(5))) {
            TextMessage m = bus.session().createTextMessage(body);
            new ReliableSender(bus, bus.session().createTopic("tenant." + tenant + "." + destination), Duration.ofSeconds(30)).send(m);
        }
    }

    private static HttpResponse<String> call(String api, String path, String user) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/api/v1/" + path)).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8))).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String get(String api, String path, String user) throws Exception {
        HttpResponse<String> r = call(api, path, user);
        assertEquals(200, r.statusCode(), path + " as " + user + ": " + r.body());
        return r.body();
    }

    private static int status(String api, String path, String user) throws Exception {
        return call(api, path, user).statusCode();
    }
}
