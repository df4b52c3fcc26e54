package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.client.TenantAddresses;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, header = "Show the pollers and trap receivers alive, per site.",
        description = {"Each poller and trap receiver announces itself every 10 s on its tenant's tenant.ID.pollers (kept 35 s). A site with",
                "devices and no live poller is UNKNOWN: its devices are not polled, and are unknown, not down (a cut WAN link at a",
                "customer is not an avalanche of device-down alarms). Exits 0 when every site with devices has a live poller, 1 if not.",
                "The service's admin and operator see every tenant; a tenant's admin its own (--tenant)."},
        footer = {"", "Examples:", "  junction poller status", "  junction poller status --tenant acme --site hq --json"})
final class PollerStatusCommand implements Callable<Integer> {
    @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant (required for a tenant's own admin).")
    String tenant;

    @Option(names = "--site", paramLabel = "SITE", description = "Only this site.")
    String site;

    @Mixin
    ClientOptions client;

    @Mixin
    OutputOptions output;

    /** The brokers whose announcements could not be read: a passive backup's, or one that is down or unreachable. */
    private final List<String> unread = new ArrayList<>();

    /** A site of a tenant, with its devices and who announces for it. */
    private record Site(String tenant, String site, int devices, List<JsonObject> announcers) {
        long live(String role) {
            return announcers.stream().filter(a -> a.getString("role", "").equals(role)).count();
        }

        boolean unknown() {
            return devices > 0 && live("poller") == 0;
        }
    }

    @Override
    public Integer call() {
        String only = tenant == null ? "" : TenantCommand.checkId(tenant);
        Map<String, Site> sites = new TreeMap<>();
        for (JsonValue v : JsonLoader.readArray(new StringReader(DeviceCommand.inventory(client, "sites", only)))) {
            JsonObject o = v.asJsonObject();
            if (site == null || site.equals(o.getString("site"))) {
                sites.put(o.getString("tenant") + "/" + o.getString("site"), new Site(o.getString("tenant"), o.getString("site"), o.getInt("devices"),
                        new ArrayList<>()));
            }
        }
        TreeSet<String> tenants = new TreeSet<>();
        sites.values().forEach(s -> tenants.add(s.tenant()));
        if (!only.isEmpty()) {
            tenants.add(only);
        }
        for (JsonObject a : announcers(tenants)) {
            if (site != null && !site.equals(a.getString("site"))) {
                continue;
            }
            sites.computeIfAbsent(a.getString("tenant") + "/" + a.getString("site"), k -> new Site(a.getString("tenant"), a.getString("site"), 0,
                    new ArrayList<>())).announcers().add(a);
        }
        render(new ArrayList<>(sites.values()));
        return sites.values().stream().anyMatch(Site::unknown) ? 1 : 0;
    }

    /**
     * The live announcements of {@code tenants}, the latest of each announcer, from every broker the URL lists: each
     * broker keeps those of the pollers connected to it (a passive backup answers nothing and is skipped).
     */
    private List<JsonObject> announcers(TreeSet<String> tenants) {
        Credentials login = client.credentials();
        Map<String, JsonObject> latest = new TreeMap<>();
        int read = 0;
        for (String broker : ClientUrls.brokers(login.url())) {
            try (Credentials.Open open = login.at(ClientUrls.quick(broker)).connect()) {
                Session session = open.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
                for (String t : tenants) {
                    browse(session, t, latest);
                }
                read++;
            } catch (JMSException e) {
                unread.add(ClientUrls.redacted(broker) + " (" + ClientErrors.rootMessage(e) + ")");
            }
        }
        if (read == 0) {
            throw CliFailure.failure("Cannot read the pollers' announcements from any broker: " + String.join(", ", unread));
        }
        return new ArrayList<>(latest.values());
    }

    private static void browse(Session session, String tenant, Map<String, JsonObject> latest) throws JMSException {
        for (JsonObject a : io.junction.client.Announcements.live(session, tenant)) {
            JsonObject before = latest.get(a.getString("poller", ""));
            if (before == null || before.getString("time", "").compareTo(a.getString("time", "")) < 0) {
                latest.put(a.getString("poller", ""), a);
            }
        }
    }

    /** What a poller's spool holds, and what it dropped over its bounds ("-" for a trap receiver, which has none). */
    private static String spooled(JsonObject a) {
        if (!a.containsKey("spooled")) {
            return "-";
        }
        long dropped = a.getJsonNumber("spoolDropped").longValue();
        return a.getJsonNumber("spooled").longValue() + (dropped > 0 ? " (" + dropped + " dropped)" : "");
    }

    private void render(List<Site> sites) {
        List<List<Object>> siteRows = new ArrayList<>();
        List<List<Object>> pollerRows = new ArrayList<>();
        for (Site s : sites) {
            siteRows.add(List.of(s.tenant(), s.site(), s.devices(), s.live("poller"), s.live("traps"), s.unknown() ? "UNKNOWN" : s.devices() == 0 ? "no devices"
                    : "polled"));
            for (JsonObject a : s.announcers()) {
                pollerRows.add(List.of(s.tenant(), s.site(), a.getString("poller", ""), a.getString("role", ""), a.getString("version", ""),
                        a.getInt("devices", 0), count(a, "polls", "received"), a.getJsonNumber("skipped") == null ? "-" : a.getJsonNumber("skipped").longValue(),
                        a.getInt("waiting", 0), spooled(a), a.containsKey("pollMedianMs") ? a.getJsonNumber("pollMedianMs").longValue() + " ms" : "-", slowest(a),
                        age(a.getString("time", ""))));
            }
        }
        if (output.json) {
            List<Map<String, Object>> all = new ArrayList<>();
            for (Site s : sites) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("tenant", s.tenant());
                o.put("site", s.site());
                o.put("devices", s.devices());
                o.put("state", s.unknown() ? "unknown" : s.devices() == 0 ? "no devices" : "polled");
                o.put("pollers", s.announcers().stream().map(PollerStatusCommand::plain).toList());
                all.add(o);
            }
            output.result("", Map.of("sites", all, "unread", unread));
            return;
        }
        output.table(List.of("TENANT", "SITE", "DEVICES", "POLLERS", "TRAPS", "STATE"), List.of("tenant", "site", "devices", "pollers", "traps", "state"),
                siteRows);
        if (!pollerRows.isEmpty()) {
            output.line("");
            output.table(List.of("TENANT", "SITE", "POLLER", "ROLE", "VERSION", "DEVICES", "POLLS", "SKIPPED", "WAITING", "SPOOLED", "MEDIAN", "SLOWEST",
                    "SEEN"), List.of("tenant", "site", "poller", "role", "version", "devices", "polls", "skipped", "waiting", "spooled", "median", "slowest",
                    "seen"), pollerRows);
        }
        sites.stream().filter(Site::unknown).forEach(s -> output.line("Site " + s.site() + " of tenant " + s.tenant() + " has no live poller: its "
                + s.devices() + " devices are unknown, not down."));
        if (!unread.isEmpty()) {
            // a passive backup answers nothing, as it should; a primary that cannot be read hides its pollers
            output.line("Not read (a passive backup, or a broker down): " + String.join(", ", unread) + ".");
        }
    }

    /** A JSON value as maps, lists, numbers, strings and booleans, to be written again. */
    private static Object plain(JsonValue v) {
        switch (v.getValueType()) {
            case OBJECT:
                Map<String, Object> m = new LinkedHashMap<>();
                v.asJsonObject().forEach((k, x) -> m.put(k, plain(x)));
                return m;
            case ARRAY:
                return v.asJsonArray().stream().map(PollerStatusCommand::plain).toList();
            case STRING:
                return ((org.apache.activemq.artemis.json.JsonString) v).getString();
            case NUMBER:
                return new java.math.BigDecimal(v.toString());
            case TRUE:
                return true;
            case FALSE:
                return false;
            default:
                return null;
        }
    }

    /** A poller's polls, or a trap receiver's traps received. */
    private static long count(JsonObject a, String poller, String receiver) {
        JsonValue v = a.containsKey(poller) ? a.get(poller) : a.get(receiver);
        return v == null ? 0 : Long.parseLong(v.toString());
    }

    private static String slowest(JsonObject a) {
        if (a.getJsonArray("slowest") == null || a.getJsonArray("slowest").isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(3, a.getJsonArray("slowest").size()); i++) {
            JsonObject d = a.getJsonArray("slowest").getJsonObject(i);
            parts.add(d.getString("device") + " " + d.getJsonNumber("ms").longValue() + " ms");
        }
        return String.join(", ", parts);
    }

    private static String age(String time) {
        try {
            return Duration.between(Instant.parse(time), Instant.now()).toSeconds() + " s ago";
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
