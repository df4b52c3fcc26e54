package io.junction.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true, header = "Show a tenant's network health: each device up, down or unknown, and its open problems.",
        description = {"Calls the consumers' HTTP API (junction consumers start). A device is up or down as its last poll found it, and unknown",
                "when no poll has come within the metric store's heartbeat (its pollers may be gone: junction poller status says)."},
        footer = {"", "Exit codes: 0 every device up, 3 some device down or unknown, 1 failure.", "", "Example:", "  junction status --tenant acme --watch"})
final class StatusCommand implements Callable<Integer> {
    static final int NOT_ALL_UP = 3;

    @Mixin
    TenantOption owner;

    @Option(names = "--watch", description = "Show it again every 10 s until interrupted.")
    boolean watch;

    @Mixin
    ApiOptions api;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        while (true) {
            int code = once();
            if (!watch) {
                return code;
            }
            Thread.sleep(10_000);
            if (Terminal.interactive() && !output.json) {
                spec.commandLine().getOut().print("\u001b[H\u001b[2J");
            }
        }
    }

    private int once() {
        String tenant = owner.id();
        JsonArray devices = api.getArray(api.url(tenant, "devices", Map.of()));
        List<List<Object>> rows = new ArrayList<>();
        Map<String, Integer> states = new TreeMap<>();
        Map<String, Integer> problems = new TreeMap<>();
        for (int i = 0; i < devices.size(); i++) {
            JsonObject d = devices.getJsonObject(i);
            String status = d.getString("status");
            states.merge(status, 1, Integer::sum);
            JsonObject open = d.getJsonObject("openProblems");
            List<String> counts = new ArrayList<>();
            for (Map.Entry<String, JsonValue> e : open.entrySet()) {
                counts.add(e.getValue() + " " + e.getKey());
                problems.merge(e.getKey(), Integer.parseInt(e.getValue().toString()), Integer::sum);
            }
            rows.add(List.of(d.getString("device"), d.getString("site"), status, d.getString("lastPoll", "-"), String.join(", ", counts)));
        }
        // the pollers alive per site: without them (the bus unreachable from the API) the devices still show
        JsonArray sites = null;
        String sitesUnread = null;
        try {
            sites = api.getArray(api.url(tenant, "pollers", Map.of()));
        } catch (CliFailure e) {
            sitesUnread = e.getMessage();
        }
        if (output.json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("tenant", tenant);
            all.put("devices", devices.size());
            all.put("states", states);
            all.put("openProblems", problems);
            if (sites != null) {
                Map<String, Object> alive = new TreeMap<>();
                for (int i = 0; i < sites.size(); i++) {
                    alive.put(sites.getJsonObject(i).getString("site"), sites.getJsonObject(i).getInt("alive"));
                }
                all.put("pollersAlive", alive);
            }
            output.result("", all);
        } else {
            output.table(List.of("DEVICE", "SITE", "STATUS", "LAST POLL", "OPEN PROBLEMS"), List.of("device", "site", "status", "lastPoll", "open"), rows);
            List<String> p = new ArrayList<>();
            problems.forEach((severity, n) -> p.add(n + " " + severity));
            output.line("Tenant " + tenant + ": " + devices.size() + " devices, " + states.getOrDefault("up", 0) + " up, " + states.getOrDefault("down", 0)
                    + " down, " + states.getOrDefault("unknown", 0) + " unknown; open problems: " + (p.isEmpty() ? "none" : String.join(", ", p)));
            if (sites == null) {
                output.line("Pollers: " + sitesUnread);
            }
            for (int i = 0; sites != null && i < sites.size(); i++) {
                JsonObject site = sites.getJsonObject(i);
                JsonArray list = site.getJsonArray("pollers");
                List<String> who = new ArrayList<>();
                for (int k = 0; k < list.size(); k++) {
                    JsonObject a = list.getJsonObject(k);
                    who.add((a.getString("role", "poller").equals("poller") ? "" : a.getString("role", "") + " ") + a.getString("poller", "?")
                            + " on " + a.getString("host", "?"));
                }
                output.line("Site " + site.getString("site") + ": " + (list.isEmpty() ? "no poller alive" : list.size() + " alive (" + String.join(", ", who) + ")")
                        + (site.getBoolean("lost") ? ", site-pollers-lost open" : ""));
            }
        }
        return states.getOrDefault("up", 0) == devices.size() ? 0 : NOT_ALL_UP;
    }
}
