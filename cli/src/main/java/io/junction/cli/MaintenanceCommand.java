package io.junction.cli;

import io.junction.client.Json;
import io.junction.config.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "maintenance", mixinStandardHelpOptions = true, header = "Maintenance windows of a tenant, a site or a device.",
        description = {"Problems that open inside a window are recorded and closed as any other and carry the window: nothing notifies about them",
                "and their escalation time does not run. Calls the consumers' HTTP API (junction consumers start)."},
        subcommands = {MaintenanceCommand.Add.class, MaintenanceCommand.ListWindows.class, MaintenanceCommand.Remove.class})
final class MaintenanceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, header = "Add a window (of the whole tenant unless --site or --device says).",
            footer = {"", "Example:", "  junction maintenance add --tenant acme --device core-1 --for 2h --reason \"firmware upgrade, change 4711\""})
    static final class Add implements Callable<Integer> {
        @Mixin
        TenantOption owner;

        @Option(names = "--site", paramLabel = "SITE", description = "Only this site's devices.")
        String site;

        @Option(names = "--device", paramLabel = "NAME", description = "Only this device.")
        String device;

        @Option(names = "--start", paramLabel = "INSTANT", description = "When it starts (ISO-8601, e.g. 2026-12-02T22:00:00Z; default now).")
        String start;

        @Option(names = "--end", paramLabel = "INSTANT", description = "When it ends (ISO-8601).")
        String end;

        @Option(names = "--for", paramLabel = "DURATION", description = "How long it lasts from its start (2h, 1d), instead of --end.")
        String length;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (shown with it).")
        String reason;

        @Mixin
        ApiOptions api;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            Instant from = start == null ? Instant.now() : instant(start, "--start");
            Instant until;
            if ((end == null) == (length == null)) {
                throw CliFailure.usage("Give one of --end and --for");
            } else if (end != null) {
                until = instant(end, "--end");
            } else {
                try {
                    until = from.plus(Durations.parse(length));
                } catch (IllegalArgumentException e) {
                    throw CliFailure.usage("Invalid value '" + length + "' for option '--for': " + e.getMessage());
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            if (site != null) {
                body.put("site", site);
            }
            if (device != null) {
                body.put("device", device);
            }
            body.put("start", from.toString());
            body.put("end", until.toString());
            body.put("reason", reason);
            JsonObject w = api.postObject(api.url(owner.id(), "maintenance", Map.of()), Json.write(body));
            Map<String, String> f = ApiOptions.fields(w);
            output.result("added maintenance window " + f.get("id") + " of " + scope(f) + " from " + f.get("start") + " to " + f.get("end"),
                    new LinkedHashMap<>(f));
            return 0;
        }

        private static Instant instant(String text, String option) {
            try {
                return Instant.parse(text);
            } catch (RuntimeException e) {
                throw CliFailure.usage("Invalid value '" + text + "' for option '" + option + "': expected an ISO-8601 instant (2026-12-02T22:00:00Z)");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, header = "List the windows that have not ended.")
    static final class ListWindows implements Callable<Integer> {
        @Mixin
        TenantOption owner;

        @Mixin
        ApiOptions api;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            JsonArray windows = api.getArray(api.url(owner.id(), "maintenance", Map.of()));
            List<List<Object>> rows = new ArrayList<>();
            for (int i = 0; i < windows.size(); i++) {
                Map<String, String> f = ApiOptions.fields(windows.getJsonObject(i));
                rows.add(List.of(Long.parseLong(f.get("id")), scope(f), f.get("start"), f.get("end"), f.get("reason"), f.get("createdBy")));
            }
            output.table(List.of("ID", "OF", "START", "END", "REASON", "BY"), List.of("id", "of", "start", "end", "reason", "createdBy"), rows);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, header = "Remove a window.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        TenantOption owner;

        @Parameters(paramLabel = "ID", description = "The window.")
        long id;

        @Mixin
        ApiOptions api;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            api.delete(api.url(owner.id(), "maintenance/" + id, Map.of()));
            output.result("removed maintenance window " + id, Map.of("removed", id));
            return 0;
        }
    }

    static String scope(Map<String, String> f) {
        if (f.containsKey("device")) {
            return "device " + f.get("device");
        }
        return f.containsKey("site") ? "site " + f.get("site") : "the tenant";
    }
}
