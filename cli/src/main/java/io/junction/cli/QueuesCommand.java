package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.Credentials;
import jakarta.jms.JMSException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "queues", mixinStandardHelpOptions = true, header = "List addresses and queues with their message counts.",
        description = "Reads the broker's queues through Artemis management: messages waiting, consumers, and messages being delivered.",
        footer = {"", "Examples:", "  junction queues", "  junction queues --json", "  junction queues --all"})
final class QueuesCommand implements Callable<Integer> {
    private static final int PAGE_SIZE = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Mixin
    OutputOptions output;

    @Option(names = "--all", description = "Include internal queues (management, temporary).")
    boolean all;

    @Override
    public Integer call() throws Exception {
        String options = "{\"field\":\"\",\"operation\":\"\",\"value\":\"\",\"sortOrder\":\"asc\",\"sortColumn\":\"name\"}";
        JsonObject result;
        try (Credentials.Open c = client.connect(); Management management = new Management(c)) {
            result = JsonLoader.readObject(new StringReader(management.invoke(ResourceNames.BROKER, "listQueues", options, 1, PAGE_SIZE)));
        } catch (JMSException e) {
            throw CliFailure.failure("Cannot list queues: " + ClientErrors.rootMessage(e));
        }
        if (result.getInt("count", 0) > PAGE_SIZE) {
            spec.commandLine().getErr().println("junction: showing the first " + PAGE_SIZE + " of " + result.getInt("count") + " queues");
        }
        List<List<Object>> rows = new ArrayList<>();
        for (JsonValue v : result.getJsonArray("data")) {
            JsonObject q = v.asJsonObject();
            boolean internal = bool(q, "temporary") || bool(q, "internalQueue") || q.getString("address", "").startsWith("activemq.");
            if (internal && !all) {
                continue;
            }
            rows.add(List.of(q.getString("address", ""), q.getString("name", ""), q.getString("routingType", ""),
                    bool(q, "durable"), number(q, "messageCount"), number(q, "consumerCount"), number(q, "deliveringCount")));
        }
        rows.sort(Comparator.comparing((List<Object> r) -> (String) r.get(0)).thenComparing(r -> (String) r.get(1)));
        output.table(List.of("ADDRESS", "QUEUE", "ROUTING", "DURABLE", "MESSAGES", "CONSUMERS", "DELIVERING"),
                List.of("address", "queue", "routingType", "durable", "messages", "consumers", "delivering"), rows);
        return 0;
    }

    private static long number(JsonObject q, String key) {
        JsonValue v = q.get(key);
        if (v == null) {
            return 0;
        }
        String s = v.toString().replace("\"", "");
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    private static boolean bool(JsonObject q, String key) {
        JsonValue v = q.get(key);
        return v != null && v.toString().replace("\"", "").equals("true");
    }
}
