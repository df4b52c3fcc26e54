package io.junction.cli;

import io.junction.client.Credentials;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the consumers' HTTP API is ({@code --api}, {@code JUNCTION_API}, else {@code http://127.0.0.1:8090}) and as
 * whom to call it: the bus user of the connection options, whose password the API checks with the bus.
 */
final class ApiOptions {
    static final String DEFAULT_API = "http://127.0.0.1:8090";

    @Option(names = "--api", paramLabel = "URL", description = "The consumers' HTTP API (env JUNCTION_API; default " + DEFAULT_API + ").")
    String api;

    @Mixin
    ClientOptions client;

    String base() {
        String b = api != null ? api : System.getenv().getOrDefault("JUNCTION_API", DEFAULT_API);
        if (!b.startsWith("http://") && !b.startsWith("https://")) {
            throw CliFailure.usage("Invalid value '" + b + "' for option '--api': expected http://host:port or https://host:port");
        }
        return b.replaceAll("/+$", "");
    }

    /** {@code path} under the tenant, with {@code query} (null values left out). */
    String url(String tenant, String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null) {
                q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return base() + "/api/v1/tenants/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "/" + path + q;
    }

    /** GETs {@code url}: the body, or a one-line failure with the API's reason. */
    byte[] get(String url) {
        return call(HttpRequest.newBuilder(URI.create(url)).GET(), url);
    }

    /** POSTs {@code json} to {@code url}. */
    byte[] post(String url, String json) {
        return call(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), url);
    }

    /** GETs a JSON array. */
    JsonArray getArray(String url) {
        return JsonLoader.readArray(new StringReader(new String(get(url), StandardCharsets.UTF_8)));
    }

    /** GETs a JSON object. */
    JsonObject getObject(String url) {
        return JsonLoader.readObject(new StringReader(new String(get(url), StandardCharsets.UTF_8)));
    }

    /** POSTs {@code json} and reads the JSON object answered. */
    JsonObject postObject(String url, String json) {
        return JsonLoader.readObject(new StringReader(new String(post(url, json), StandardCharsets.UTF_8)));
    }

    /** DELETEs {@code url}. */
    byte[] delete(String url) {
        return call(HttpRequest.newBuilder(URI.create(url)).DELETE(), url);
    }

    private byte[] call(HttpRequest.Builder request, String url) {
        Credentials login = client.credentials();
        String basic = Base64.getEncoder().encodeToString((login.user() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(request.header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw CliFailure.failure("Cannot connect to the consumers' API at " + base() + " (is junction consumers start running? --api names another)");
        } catch (IOException e) {
            throw CliFailure.failure("The consumers' API at " + base() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.failure("Interrupted while calling " + base());
        }
        if (r.statusCode() != 200) {
            throw CliFailure.failure("The API refused " + url.replaceFirst("\\?.*", "") + " (" + r.statusCode() + "): " + reason(r.body()));
        }
        return r.body();
    }

    private static String reason(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonObject o = JsonLoader.readObject(new StringReader(text));
            return o.getString("error", text.strip());
        } catch (RuntimeException e) {
            return text.strip();
        }
    }

    /** A JSON object's fields as a map of their text, for tables. */
    static Map<String, String> fields(JsonObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : o.entrySet()) {
            out.put(e.getKey(), e.getValue().getValueType() == JsonValue.ValueType.STRING ? o.getString(e.getKey()) : e.getValue().toString());
        }
        return out;
    }
}
