package io.junction.consume.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.consume.ConsumersProcess;
import io.junction.consume.TestBus;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.store.Database;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumers' API in a consumers process on a real node, authenticated by the bus: a tenant's consumer reads its
 * problems, their history and its metrics, and acknowledges a problem; no path answers without credentials; another
 * tenant's user, and a producer of the tenant, find nothing (404, not 403); bad parameters are 400 with one line.
 */
class ApiTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "api-pass-123";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aTenantsUsersSeeItsDataAndNobodyElseDoes() throws Exception {
        TestBus.tenants(NODE.node().admin().at(NODE.node().coreUrl()), PASSWORD, "acme", "beta");
        ConsumersProcess.Settings settings = new ConsumersProcess.Settings(Set.of("events", "metrics"), "main", Database.Settings.h2(dir.resolve("store")),
                Duration.ofHours(1),
                MetricStore.Settings.defaults(dir.resolve("metrics")), new ApiServer.Settings("127.0.0.1", 0, "", ""), Duration.ofSeconds(5),
                rules(), io.junction.consume.notify.Notifier.Settings.DEFAULTS);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        try (ConsumersProcess acme = ConsumersProcess.start(new Credentials(NODE.node().coreUrl(), "acme-events", PASSWORD), "acme", settings);
                BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-poller", PASSWORD), Duration.ofSeconds(5))) {
            String base = acme.apiUrl() + "/api/v1/tenants/";
            TestBus.event(bus, "acme", "acme", "core-1", "device-unreachable", "major", t0, "poll/acme/hq/core-1/0");
            TestBus.event(bus, "acme", "acme", "core-1", "device-unreachable", "major", t0.plusSeconds(60), "poll/acme/hq/core-1/1");
            for (int i = 0; i <= 5; i++) {
                TestBus.metrics(bus, "acme", "core-1", t0.plusSeconds(60L * i), 100_000 + 6_000 * i, List.of(
                        Map.of("name", "ifHCInOctets", "instance", "3", "type", "Counter64", "value", 60_000L * i),
                        Map.of("name", "ifHighSpeed", "instance", "3", "type", "Gauge32", "value", 1000)));
            }
            Waits.until(Duration.ofSeconds(30), "the problem and the rates stored", () -> {
                JsonArray p = array(get(base + "acme/problems", "acme-events").body());
                return p.size() == 1 && p.getJsonObject(0).getInt("count") == 2
                        && get(base + "acme/devices/core-1/values?name=ifHCInOctets&instance=3&since=1h", "acme-events").body().contains("1000.0");
            });

            // a consumer of the tenant reads its problems and their history, and acknowledges one
            JsonObject problem = array(get(base + "acme/problems?open=true&severity=major", "acme-events").body()).getJsonObject(0);
            long id = problem.getJsonNumber("id").longValue();
            JsonObject one = object(get(base + "acme/problems/" + id, "acme-events").body());
            assertEquals(List.of("opened", "repeated"), one.getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("kind")).toList());
            HttpResponse<String> ack = post(base + "acme/problems/" + id + "/ack", "acme-events", "{\"comment\": \"ISP ticket 1234\"}");
            assertEquals(200, ack.statusCode(), ack.body());
            assertEquals("acme-events", object(ack.body()).getString("ackedBy"));
            assertEquals("[\"ifHCInOctets~3\",\"ifHighSpeed~3\"]", get(base + "acme/devices/core-1/series", "acme-events").body().strip());
            HttpResponse<byte[]> png = HTTP.send(request(base + "acme/devices/core-1/chart.png?name=ifHCInOctets&instance=3&since=1h", "acme-events").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, png.statusCode());
            assertEquals("PNG", new String(png.body(), 1, 3, StandardCharsets.US_ASCII));

            JsonObject device = array(get(base + "acme/devices", "acme-events").body()).getJsonObject(0);
            assertEquals("core-1", device.getString("device"));
            assertEquals("up", device.getString("status"), "its last poll answered, within the heartbeat");
            assertEquals(1, device.getJsonObject("openProblems").getInt("major"));

            // maintenance windows: added, listed, removed; bad ones 400; another tenant's user 404
            HttpResponse<String> added = post(base + "acme/maintenance", "acme-events", "{\"device\": \"core-1\", \"end\": \""
                    + Instant.now().plusSeconds(3_600) + "\", \"reason\": \"firmware upgrade\"}");
            assertEquals(200, added.statusCode(), added.body());
            long window = object(added.body()).getJsonNumber("id").longValue();
            assertEquals("acme-events", object(added.body()).getString("createdBy"));
            assertEquals(1, array(get(base + "acme/maintenance", "acme-events").body()).size());
            assertEquals(400, post(base + "acme/maintenance", "acme-events", "{\"end\": \"tomorrow\", \"reason\": \"x\"}").statusCode());
            assertEquals(400, post(base + "acme/maintenance", "acme-events", "{\"end\": \"2020-01-01T00:00:00Z\", \"reason\": \"x\"}").statusCode(),
                    "ends before it starts");
            assertEquals(404, HTTP.send(request(base + "acme/maintenance/" + window, "beta-events").DELETE().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            assertEquals(200, HTTP.send(request(base + "acme/maintenance/" + window, "acme-events").DELETE().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            assertEquals(0, array(get(base + "acme/maintenance", "acme-events").body()).size());

            // no credentials, or wrong ones: 401 on every path
            HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(URI.create(base + "acme/problems")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), none.headers().toString());
            assertEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create(acme.apiUrl() + "/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            for (String path : List.of(base + "acme/problems", base + "beta/problems", acme.apiUrl() + "/")) {
                HttpResponse<String> wrong = HTTP.send(request(path, "acme-events", "wrong-password-1").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, wrong.statusCode(), path);
                assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
            }

            // another tenant's user, and the tenant's own poller, find nothing: 404, as for what does not exist
            for (String path : List.of("acme/problems", "acme/problems/" + id, "acme/devices", "acme/devices/core-1/series")) {
                assertEquals(404, get(base + path, "beta-events").statusCode(), path);
                assertEquals(404, get(base + path, "acme-poller").statusCode(), path);
            }
            assertEquals(404, post(base + "acme/problems/" + id + "/ack", "beta-events", "{\"comment\": \"mine\"}").statusCode());
            assertEquals(404, get(base + "beta/problems", "beta-events").statusCode(), "this process serves acme alone");
            assertEquals(404, get(base + "acme/problems/" + (id + 1000), "acme-events").statusCode());
            assertEquals(404, get(base + "acme/devices/no-such-device/series", "acme-events").statusCode());

            // bad parameters: 400 with one line
            for (String bad : List.of("acme/problems?severity=bogus", "acme/problems?limit=0", "acme/problems?since=yesterday", "acme/problems?since=2999-01-01T00:00:00Z",
                    "acme/problems?open=maybe",
                    "acme/problems/abc", "acme/devices/core-1/values", "acme/devices/core-1/values?name=ifHCInOctets&fn=MEDIAN")) {
                HttpResponse<String> r = get(base + bad, "acme-events");
                assertEquals(400, r.statusCode(), bad + ": " + r.body());
                String error = object(r.body()).getString("error");
                assertTrue(!error.isBlank() && !error.contains("\n"), error);
            }
            assertEquals(400, post(base + "acme/problems/" + id + "/ack", "acme-events", "").statusCode(), "an acknowledgement needs a comment");

            // the problem's notification: its webhook does not answer, so it is listed as failing, and no secret of
            // the rule (the token, the URL's query) is in the list
            Waits.until(Duration.ofSeconds(30), "the webhook delivery tried and failed", () -> {
                JsonArray failed = array(get(base + "acme/notifications?failed=true", "acme-events").body());
                return failed.size() == 1 && failed.getJsonObject(0).getInt("attempts") >= 1;
            });
            HttpResponse<String> listed = get(base + "acme/notifications", "acme-events");
            JsonObject delivery = array(listed.body()).getJsonObject(0);
            assertEquals("webhook:ops", delivery.getString("action"));
            assertEquals("pending", delivery.getString("state"), "tried again later");
            assertEquals(id, delivery.getJsonNumber("problem").longValue());
            assertTrue(delivery.getString("target").startsWith("http://127.0.0.1:"), delivery.toString());
            assertFalse(listed.body().contains("hook-token-1") || listed.body().contains("key=secret-in-url"), "a secret is shown: " + listed.body());
            assertEquals(404, get(base + "acme/notifications", "beta-events").statusCode());
        }
    }

    /** acme's rules: every major problem to a webhook nobody listens on, with a token and a secret in its URL. */
    private Path rules() throws Exception {
        Path rules = java.nio.file.Files.createDirectories(dir.resolve("rules"));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        java.nio.file.Files.writeString(rules.resolve("acme.properties"), "rule.ops.severity = major\nrule.ops.actions = webhook:ops\n"
                + "webhook.ops.url = http://127.0.0.1:" + closed + "/hook?key=secret-in-url\nwebhook.ops.token = hook-token-1\n");
        return rules;
    }

    private static HttpRequest.Builder request(String url, String user) {
        return request(url, user, PASSWORD);
    }

    private static HttpRequest.Builder request(String url, String user, String password) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> get(String url, String user) {
        try {
            return HTTP.send(request(url, user).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> post(String url, String user, String body) throws Exception {
        return HTTP.send(request(url, user).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonArray array(String body) {
        return JsonLoader.readArray(new StringReader(body));
    }

    private static JsonObject object(String body) {
        return JsonLoader.readObject(new StringReader(body));
    }
}
