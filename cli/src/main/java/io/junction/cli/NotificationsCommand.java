package io.junction.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "notifications", mixinStandardHelpOptions = true, header = "The notifications of a tenant's problems: each delivery and how it went.",
        description = {"Each row is one delivery of one notification (a problem opened, escalated, repeated or closed) by one action of the",
                "tenant's rules (etc/notifications/TENANT.properties): log, a webhook or a mail. A delivery that failed is tried again with",
                "back-off until it is delivered or given up (state failed). Targets are shown without secrets. Calls the consumers' HTTP API."},
        footer = {"", "Examples:", "  junction notifications --tenant acme", "  junction notifications --tenant acme --failed"})
final class NotificationsCommand implements Callable<Integer> {
    @Mixin
    TenantOption owner;

    @Option(names = "--failed", description = "Only deliveries not delivered: failing and waiting for their next try, or given up.")
    boolean failed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many, newest first (default ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    ApiOptions api;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", String.valueOf(limit));
        if (failed) {
            query.put("failed", "true");
        }
        JsonArray deliveries = api.getArray(api.url(owner.id(), "notifications", query));
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < deliveries.size(); i++) {
            Map<String, String> f = ApiOptions.fields(deliveries.getJsonObject(i));
            String when = f.getOrDefault("done", f.getOrDefault("next", ""));
            rows.add(List.of(Long.parseLong(f.get("id")), Long.parseLong(f.get("problem")), f.get("reason"), f.get("rule"), f.get("action"),
                    f.get("target"), f.get("state"), Integer.parseInt(f.get("attempts")), when, f.getOrDefault("lastError", "")));
        }
        output.table(List.of("ID", "PROBLEM", "REASON", "RULE", "ACTION", "TARGET", "STATE", "TRIES", "DONE/NEXT", "LAST ERROR"),
                List.of("id", "problem", "reason", "rule", "action", "target", "state", "attempts", "when", "lastError"), rows);
        return 0;
    }
}
