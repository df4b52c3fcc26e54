package io.junction.cli;

import java.nio.charset.StandardCharsets;
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

@Command(name = "metrics", mixinStandardHelpOptions = true, header = "List a device's series, or print one's values.",
        description = {"Calls the consumers' HTTP API (junction consumers start). Without --metric, the device's series (NAME or NAME~INSTANCE);",
                "with it, its values: counters as rates per second, gauges as read, unknown (no poll, a restart, a gap) as -."},
        footer = {"", "Examples:", "  junction metrics --tenant acme --device core-1", "  junction metrics --tenant acme --device core-1 --metric ifHCInOctets --instance 3 --since 2h"})
final class MetricsCommand implements Callable<Integer> {
    @Mixin
    TenantOption owner;

    @Option(names = "--device", required = true, paramLabel = "NAME", description = "The device.")
    String device;

    @Option(names = "--metric", paramLabel = "NAME", description = "The series' name (ifHCInOctets, ...).")
    String metric;

    @Option(names = "--instance", paramLabel = "I", description = "The series' instance (an ifIndex, ...), if it has one.")
    String instance;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h", description = "From this long ago (default ${DEFAULT-VALUE}) or an ISO-8601 instant.")
    String since;

    @Option(names = "--fn", paramLabel = "F", defaultValue = "AVERAGE", description = "AVERAGE, MIN or MAX of each step (default ${DEFAULT-VALUE}).")
    String function;

    @Mixin
    ApiOptions api;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        String tenant = owner.id();
        if (metric == null) {
            JsonArray series = api.getArray(api.url(tenant, "devices/" + encode(device) + "/series", Map.of()));
            List<List<Object>> rows = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                String[] s = series.getString(i).split("~", 2);
                rows.add(List.of(s[0], s.length > 1 ? s[1] : ""));
            }
            output.table(List.of("METRIC", "INSTANCE"), List.of("metric", "instance"), rows);
            return 0;
        }
        Map<String, String> q = new LinkedHashMap<>();
        q.put("name", metric);
        q.put("instance", instance);
        q.put("since", since);
        q.put("fn", function);
        JsonArray points = api.getArray(api.url(tenant, "devices/" + encode(device) + "/values", q));
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            JsonObject p = points.getJsonObject(i);
            Object value;
            if (p.isNull("value")) {
                value = output.json ? "null" : "-";
            } else {
                java.math.BigDecimal v = p.getJsonNumber("value").bigDecimalValue();
                value = output.json ? v.doubleValue() : v.setScale(3, java.math.RoundingMode.HALF_UP).toPlainString();
            }
            rows.add(java.util.Arrays.asList(p.getString("time"), "null".equals(value) ? null : value));
        }
        output.table(List.of("TIME", function.toUpperCase(java.util.Locale.ROOT)), List.of("time", "value"), rows);
        return 0;
    }

    static String encode(String part) {
        return java.net.URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
