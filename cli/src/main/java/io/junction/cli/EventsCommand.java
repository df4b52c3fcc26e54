package io.junction.cli;

import io.junction.client.Json;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "events", mixinStandardHelpOptions = true, header = "List a tenant's problems, show one with its history, acknowledge one.",
        description = {"Calls the consumers' HTTP API (junction consumers start) as the bus user of --user/--password or the environment: a consumer or",
                "admin of the tenant, or the service's operator. Problems are newest first; --open shows those not closed yet."},
        subcommands = {EventsCommand.Show.class, EventsCommand.Ack.class},
        footer = {"", "Examples:", "  junction events --tenant acme --open --severity major", "  junction events ack 42 --tenant acme --comment \"ISP ticket 1234\""})
final class EventsCommand implements Callable<Integer> {
    /** Not required here, so that {@code events show} and {@code events ack} can take theirs after the subcommand. */
    @Option(names = "--tenant", paramLabel = "ID", description = "The tenant (required).")
    String tenant;

    @Option(names = "--open", description = "Only the problems still open.")
    boolean open;

    @Option(names = "--device", paramLabel = "NAME", description = "Only this device's.")
    String device;

    @Option(names = "--severity", paramLabel = "S", description = "This severity or more serious: critical, major, minor, warning, indeterminate, normal.")
    String severity;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only those seen within this time (2h, 7d) or since an ISO-8601 instant.")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    ApiOptions api;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("open", open ? "true" : null);
        q.put("device", device);
        q.put("severity", severity);
        q.put("since", since);
        q.put("limit", String.valueOf(limit));
        if (tenant == null) {
            throw CliFailure.usage("Missing required option: '--tenant=ID'");
        }
        JsonArray problems = api.getArray(api.url(TenantCommand.checkId(tenant), "problems", q));
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            Map<String, String> p = ApiOptions.fields(problems.getJsonObject(i));
            rows.add(List.of(Long.parseLong(p.get("id")), p.get("severity"), p.get("open").equals("true") ? "open" : "closed", p.get("device"),
                    p.get("type"), p.get("instance"), Integer.parseInt(p.get("count")), p.get("firstSeen"), p.get("lastSeen"),
                    p.getOrDefault("ackedBy", "")));
        }
        output.table(List.of("ID", "SEVERITY", "STATE", "DEVICE", "TYPE", "INSTANCE", "COUNT", "FIRST SEEN", "LAST SEEN", "ACKED BY"),
                List.of("id", "severity", "state", "device", "type", "instance", "count", "firstSeen", "lastSeen", "ackedBy"), rows);
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, header = "Show a problem and its history.")
    static final class Show implements Callable<Integer> {
        @Mixin
        TenantOption owner;

        @Parameters(paramLabel = "ID", description = "The problem.")
        long id;

        @Mixin
        ApiOptions api;

        @Mixin
        OutputOptions output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String body = new String(api.get(api.url(owner.id(), "problems/" + id, Map.of())), StandardCharsets.UTF_8);
            JsonObject p = JsonLoader.readObject(new StringReader(body));
            if (output.json) {
                spec.commandLine().getOut().println(body.strip());
                spec.commandLine().getOut().flush();
                return 0;
            }
            Map<String, String> f = ApiOptions.fields(p);
            output.line("Problem " + id + ": " + f.get("device") + " " + f.get("type") + (f.get("instance").isEmpty() ? "" : " " + f.get("instance"))
                    + ", " + f.get("severity") + ", " + (f.get("open").equals("true") ? "open" : "closed at " + f.get("closedAt")) + ", seen "
                    + f.get("count") + " times from " + f.get("firstSeen") + " to " + f.get("lastSeen")
                    + (f.containsKey("ackedBy") ? ", acknowledged by " + f.get("ackedBy") + ": " + f.get("ackComment") : ""));
            JsonArray history = p.getJsonArray("history");
            List<List<Object>> rows = new ArrayList<>();
            for (int i = 0; i < history.size(); i++) {
                Map<String, String> h = ApiOptions.fields(history.getJsonObject(i));
                rows.add(List.of(h.get("at"), h.get("kind"), h.getOrDefault("eventType", ""), h.getOrDefault("severity", ""), h.getOrDefault("detail", "")));
            }
            output.table(List.of("AT", "CHANGE", "EVENT", "SEVERITY", "DETAIL"), List.of("at", "kind", "eventType", "severity", "detail"), rows);
            return 0;
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true, header = "Acknowledge a problem, with a comment.")
    static final class Ack implements Callable<Integer> {
        @Mixin
        TenantOption owner;

        @Parameters(paramLabel = "ID", description = "The problem.")
        long id;

        @Option(names = "--comment", required = true, paramLabel = "TEXT", description = "Why, or what is being done (kept in its history).")
        String comment;

        @Mixin
        ApiOptions api;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            JsonObject p = api.postObject(api.url(owner.id(), "problems/" + id + "/ack", Map.of()), Json.write(Map.of("comment", comment)));
            Map<String, String> f = ApiOptions.fields(p);
            output.result("acknowledged problem " + id + " (" + f.get("device") + " " + f.get("type") + ") as " + f.get("ackedBy"),
                    Map.of("id", id, "ackedBy", f.get("ackedBy"), "ackedAt", f.get("ackedAt"), "comment", f.get("ackComment")));
            return 0;
        }
    }
}
