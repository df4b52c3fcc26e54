package io.junction.consume.api;

import io.junction.client.Json;
import io.junction.config.Durations;
import io.junction.consume.event.Problem;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.store.EventStore;
import io.junction.consume.store.MaintenanceWindows;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.rrd4j.ConsolFun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers' JSON API ({@code docs/api.md}) under {@code /api/v1/tenants/TENANT/}: problems (list, one with its
 * history, acknowledge), a device's series, their values and a chart. Every path needs HTTP Basic credentials of a
 * bus user that may read the tenant ({@link BusLogins}); a tenant it may not read, and anything of such a tenant, is
 * 404 as if it did not exist. A bad parameter is 400 with a one-line reason.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final String PREFIX = "/api/v1/tenants/";
    private static final int MAX_LIMIT = 10_000;

    /** A refusal with its status and one-line reason. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private final Set<String> tenants;
    private final BusLogins logins;
    private final EventStore events;
    private final MaintenanceWindows windows;
    private final MetricStore metrics;
    private final io.junction.consume.notify.Notifier notifier;
    private final PollerReader pollers;

    /** The live announcements of a tenant's pollers and trap receivers; empty when the bus could not be read. */
    @FunctionalInterface
    public interface PollerReader {
        java.util.Optional<List<org.apache.activemq.artemis.json.JsonObject>> read(String tenant);
    }

    /** Serves {@code tenants} (the tenants this process consumes for; empty: every tenant) from its stores; the stores may be null. */
    ApiHandler(Set<String> tenants, BusLogins logins, EventStore events, MaintenanceWindows windows, MetricStore metrics,
               io.junction.consume.notify.Notifier notifier, PollerReader pollers) {
        this.notifier = notifier;
        this.pollers = pollers;
        this.tenants = Set.copyOf(tenants);
        this.logins = logins;
        this.events = events;
        this.windows = windows;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            String[] login = basic(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            if (login == null) {
                throw new Refused(HttpStatus.UNAUTHORIZED_401, "credentials of a bus user are required (HTTP Basic)");
            }
            String path = Request.getPathInContext(request);
            if (!path.startsWith(PREFIX)) {
                if (logins.check(login[0], login[1], tenants.iterator().next()) == BusLogins.Verdict.BAD_LOGIN) {
                    throw new Refused(HttpStatus.UNAUTHORIZED_401, "the bus refused the login of " + login[0]);
                }
                throw new Refused(HttpStatus.NOT_FOUND_404, "no such path: " + path);
            }
            List<String> parts = List.of(path.substring(PREFIX.length()).split("/"));
            String tenant = parts.get(0);
            authorise(login, tenant);
            Fields query = Request.extractQueryParameters(request);
            route(request, response, callback, login[0], tenant, parts.subList(1, parts.size()), query);
        } catch (Refused r) {
            if (r.status == HttpStatus.UNAUTHORIZED_401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"junction\", charset=\"UTF-8\"");
            }
            json(response, callback, r.status, Map.of("error", r.getMessage()));
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("API request {} failed: {}", Request.getPathInContext(request), e.toString());
            json(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, Map.of("error", "the request failed: " + e.getClass().getSimpleName()));
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback, String user, String tenant, List<String> rest, Fields q)
            throws SQLException, IOException {
        String method = request.getMethod();
        if (rest.size() == 1 && rest.get(0).equals("problems") && method.equals("GET")) {
            EventStore.Query query = new EventStore.Query(tenant, bool(q, "open"), text(q, "device"), severity(q), since(q), limit(q));
            List<Object> out = new ArrayList<>();
            for (EventStore.Stored s : events().problems(query)) {
                out.add(problem(s));
            }
            json(response, callback, 200, out);
        } else if (rest.size() == 2 && rest.get(0).equals("problems") && method.equals("GET")) {
            long id = id(rest.get(1));
            EventStore.Stored s = events().problem(tenant, id).orElseThrow(() -> new Refused(404, "no problem " + id));
            Map<String, Object> out = problem(s);
            List<Object> history = new ArrayList<>();
            for (EventStore.Change c : events().history(tenant, id)) {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("at", c.at().toString());
                h.put("kind", c.kind());
                put(h, "eventType", c.eventType());
                put(h, "severity", c.severity());
                put(h, "detail", c.detail());
                history.add(h);
            }
            out.put("history", history);
            json(response, callback, 200, out);
        } else if (rest.size() == 3 && rest.get(0).equals("problems") && rest.get(2).equals("ack") && method.equals("POST")) {
            long id = id(rest.get(1));
            String comment = comment(Content.Source.asString(request, StandardCharsets.UTF_8));
            if (!events().ack(tenant, id, user, comment, Instant.now())) {
                throw new Refused(404, "no problem " + id);
            }
            json(response, callback, 200, problem(events().problem(tenant, id).orElseThrow()));
        } else if (rest.size() == 1 && rest.get(0).equals("maintenance") && method.equals("GET")) {
            List<Object> out = new ArrayList<>();
            for (MaintenanceWindows.Window w : windows().current(tenant, Instant.now())) {
                out.add(window(w));
            }
            json(response, callback, 200, out);
        } else if (rest.size() == 1 && rest.get(0).equals("maintenance") && method.equals("POST")) {
            JsonObject o = body(Content.Source.asString(request, StandardCharsets.UTF_8), "a maintenance window needs a JSON body");
            MaintenanceWindows.Window w;
            try {
                Instant start = o.containsKey("start") ? instant(o.getString("start", ""), "start") : Instant.now();
                Instant end = instant(o.getString("end", ""), "end");
                w = windows().add(tenant, nonEmpty(o.getString("site", null)), nonEmpty(o.getString("device", null)), start, end,
                        o.getString("reason", ""), user);
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new Refused(400, e instanceof ClassCastException ? "site, device, start, end and reason are strings" : e.getMessage());
            }
            json(response, callback, 200, window(w));
        } else if (rest.size() == 2 && rest.get(0).equals("maintenance") && method.equals("DELETE")) {
            long id = id(rest.get(1));
            if (!windows().remove(tenant, id)) {
                throw new Refused(404, "no maintenance window " + id);
            }
            json(response, callback, 200, Map.of("removed", id));
        } else if (rest.size() == 1 && rest.get(0).equals("notifications") && method.equals("GET")) {
            if (notifier == null) {
                throw new Refused(404, "this consumers process runs no event manager, and so sends no notifications");
            }
            List<Object> out = new ArrayList<>();
            for (io.junction.consume.notify.Notifier.Delivery d : notifier.deliveries(tenant, bool(q, "failed"), limit(q))) {
                out.add(d.fields());
            }
            json(response, callback, 200, out);
        } else if (rest.size() == 1 && rest.get(0).equals("devices") && method.equals("GET")) {
            json(response, callback, 200, devices(tenant));
        } else if (rest.size() == 1 && rest.get(0).equals("pollers") && method.equals("GET")) {
            json(response, callback, 200, pollers(tenant));
        } else if (rest.size() == 3 && rest.get(0).equals("devices") && rest.get(2).equals("series") && method.equals("GET")) {
            List<String> series = metrics().series(tenant, rest.get(1));
            if (series.isEmpty()) {
                throw new Refused(404, "no device " + rest.get(1) + " with stored values");
            }
            json(response, callback, 200, series);
        } else if (rest.size() == 3 && rest.get(0).equals("devices") && rest.get(2).equals("values") && method.equals("GET")) {
            String name = required(q, "name");
            String instance = q.getValue("instance") == null ? "" : q.getValue("instance");
            Instant from = since(q) == null ? Instant.now().minusSeconds(86_400) : since(q);
            ConsolFun f = function(q);
            List<Object> out = new ArrayList<>();
            for (MetricStore.Point p : metrics().fetch(tenant, rest.get(1), name, instance, from, Instant.now(), f)) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("time", p.time().toString());
                // unknown (no poll, a restart, a gap) is null
                point.put("value", Double.isNaN(p.value()) ? null : p.value());
                out.add(point);
            }
            if (out.isEmpty() && !metrics().series(tenant, rest.get(1)).contains(instance.isEmpty() ? name : name + "~" + instance)) {
                throw new Refused(404, "no series " + name + (instance.isEmpty() ? "" : "~" + instance) + " of device " + rest.get(1));
            }
            json(response, callback, 200, out);
        } else if (rest.size() == 3 && rest.get(0).equals("devices") && rest.get(2).equals("chart.png") && method.equals("GET")) {
            String name = required(q, "name");
            String instance = q.getValue("instance") == null ? "" : q.getValue("instance");
            Instant from = since(q) == null ? Instant.now().minusSeconds(86_400) : since(q);
            boolean bits = name.endsWith("Octets");
            byte[] png;
            try {
                png = metrics().chart(tenant, rest.get(1), name, instance, from, Instant.now(), bits ? 8 : 1, bits ? "bit/s" : unit(name));
            } catch (IllegalArgumentException e) {
                throw new Refused(404, e.getMessage());
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/png");
            response.write(true, ByteBuffer.wrap(png), callback);
        } else {
            throw new Refused(404, "no such path: " + method + " " + PREFIX + tenant + "/" + String.join("/", rest));
        }
    }

    /**
     * Each device the tenant's polls or problems name: {@code up} or {@code down} as its last poll found it, or
     * {@code unknown} when no poll has come within the metric store's heartbeat (its pollers may be gone: that says
     * nothing of the device); its last poll and its open problems by severity.
     */
    private List<Object> devices(String tenant) throws SQLException {
        Map<String, MetricStore.LastPoll> polls = metrics == null ? Map.of() : metrics.lastPolls(tenant);
        Map<String, Map<String, Integer>> open = new java.util.TreeMap<>();
        Map<String, String> sites = new java.util.HashMap<>();
        if (events != null) {
            for (EventStore.Stored s : events.problems(new EventStore.Query(tenant, true, null, null, null, MAX_LIMIT))) {
                open.computeIfAbsent(s.problem().device(), d -> new java.util.TreeMap<>()).merge(s.problem().severity(), 1, Integer::sum);
                sites.putIfAbsent(s.problem().device(), s.problem().site());
            }
        }
        java.util.TreeSet<String> names = new java.util.TreeSet<>(polls.keySet());
        names.addAll(open.keySet());
        Instant stale = Instant.now().minus(metrics == null ? java.time.Duration.ofMinutes(10) : metrics.heartbeat());
        List<Object> out = new ArrayList<>();
        for (String device : names) {
            MetricStore.LastPoll p = polls.get(device);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device", device);
            d.put("site", p != null ? p.site() : sites.getOrDefault(device, ""));
            d.put("status", p == null || p.time().isBefore(stale) ? "unknown" : p.reachable() ? "up" : "down");
            put(d, "lastPoll", p == null ? null : p.time().toString());
            put(d, "pollStatus", p == null ? null : p.status());
            d.put("openProblems", open.getOrDefault(device, Map.of()));
            out.add(d);
        }
        return out;
    }

    /** 401 unless the bus takes the login; 404 unless it may read {@code tenant} and this process serves it. */
    private void authorise(String[] login, String tenant) {
        // an empty set: the process of every tenant serves any (the bus then says whether the login may read it)
        boolean served = tenants.isEmpty() ? isTenantId(tenant) : tenants.contains(tenant);
        // a tenant not served here: the login is still checked, against one that is, so that a bad one is 401 everywhere
        switch (logins.check(login[0], login[1], served ? tenant : tenants.iterator().next())) {
            case ALLOWED -> {
                if (!served) {
                    throw new Refused(404, "no tenant " + tenant + " here");
                }
            }
            case NOT_THIS_TENANT -> throw new Refused(404, "no tenant " + tenant + " here");
            case BAD_LOGIN -> throw new Refused(401, "the bus refused the login of " + login[0]);
            default -> throw new Refused(503, "the bus cannot be reached to check the login");
        }
    }

    /**
     * Each site with its live pollers and trap receivers (their announcements on every broker), and the sites the event
     * manager holds lost (an open {@code site-pollers-lost} problem), which have none.
     */
    private List<Object> pollers(String tenant) throws SQLException {
        List<org.apache.activemq.artemis.json.JsonObject> live = pollers.read(tenant)
                .orElseThrow(() -> new Refused(503, "the bus cannot be reached to read the pollers' announcements"));
        Map<String, List<Map<String, Object>>> bySite = new java.util.TreeMap<>();
        for (org.apache.activemq.artemis.json.JsonObject a : live) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (String key : List.of("poller", "role", "host", "version", "started", "time")) {
                put(p, key, a.containsKey(key) ? a.getString(key, null) : null);
            }
            bySite.computeIfAbsent(a.getString("site"), k -> new ArrayList<>()).add(p);
        }
        Set<String> lost = new java.util.TreeSet<>();
        if (events != null) {
            for (EventStore.Stored st : events.problems(new EventStore.Query(tenant, true, null, null, null, 10_000))) {
                if (st.problem().type().equals(io.junction.consume.event.SiteWatch.LOST)) {
                    lost.add(st.problem().site());
                    bySite.putIfAbsent(st.problem().site(), List.of());
                }
            }
        }
        List<Object> out = new ArrayList<>();
        bySite.forEach((site, list) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", site);
            m.put("alive", list.size());
            m.put("lost", lost.contains(site));
            m.put("pollers", list);
            out.add(m);
        });
        return out;
    }

    private static boolean isTenantId(String s) {
        try {
            io.junction.client.TenantAddresses.checkId(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private EventStore events() {
        if (events == null) {
            throw new Refused(404, "this consumers process runs no event manager");
        }
        return events;
    }

    private MaintenanceWindows windows() {
        if (windows == null) {
            throw new Refused(404, "this consumers process runs no event manager");
        }
        return windows;
    }

    private static Map<String, Object> window(MaintenanceWindows.Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        put(m, "site", w.site());
        put(m, "device", w.device());
        m.put("start", w.start().toString());
        m.put("end", w.end().toString());
        m.put("reason", w.reason());
        m.put("createdBy", w.createdBy());
        return m;
    }

    private static JsonObject body(String text, String missing) {
        if (text == null || text.isBlank()) {
            throw new Refused(400, missing);
        }
        try {
            return JsonLoader.readObject(new StringReader(text));
        } catch (RuntimeException e) {
            throw new Refused(400, "the body is not a JSON object");
        }
    }

    private static Instant instant(String text, String field) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new Refused(400, field + " '" + text + "' is not an ISO-8601 instant (2026-12-02T22:00:00Z)");
        }
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private MetricStore metrics() {
        if (metrics == null) {
            throw new Refused(404, "this consumers process runs no metric store");
        }
        return metrics;
    }

    static Map<String, Object> problem(EventStore.Stored s) {
        return s.fields();
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static void json(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        Content.Sink.write(response, true, Json.write(body) + "\n", callback);
    }

    /** {@code [user, password]} of a Basic authorization, or null. */
    static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static long id(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new Refused(400, "problem id '" + text + "' is not a number");
        }
    }

    private static boolean bool(Fields q, String name) {
        String v = q.getValue(name);
        if (v == null) {
            return false;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new Refused(400, name + " '" + v + "' is neither true nor false");
        }
        return v.equals("true");
    }

    private static String text(Fields q, String name) {
        String v = q.getValue(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static String required(Fields q, String name) {
        String v = text(q, name);
        if (v == null) {
            throw new Refused(400, "the parameter " + name + " is required");
        }
        return v;
    }

    private static String severity(Fields q) {
        String v = text(q, "severity");
        if (v != null && !EventStore.SEVERITIES.contains(v)) {
            throw new Refused(400, "severity '" + v + "' is not one of " + String.join(", ", EventStore.SEVERITIES));
        }
        return v;
    }

    private static Instant since(Fields q) {
        String v = text(q, "since");
        if (v == null) {
            return null;
        }
        Instant since;
        try {
            since = Instant.now().minus(Durations.parse(v));
        } catch (IllegalArgumentException e) {
            try {
                since = Instant.parse(v);
            } catch (RuntimeException notAnInstant) {
                throw new Refused(400, "since '" + v + "' is neither a duration (2h, 7d) nor an ISO-8601 instant");
            }
        }
        if (since.isAfter(Instant.now()) || since.isBefore(Instant.EPOCH)) {
            throw new Refused(400, "since '" + v + "' is not between 1970 and now");
        }
        return since;
    }

    private static int limit(Fields q) {
        String v = text(q, "limit");
        if (v == null) {
            return 1_000;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Refused(400, "limit '" + v + "' is not between 1 and " + MAX_LIMIT);
        }
    }

    private static ConsolFun function(Fields q) {
        String v = text(q, "fn");
        if (v == null) {
            return ConsolFun.AVERAGE;
        }
        return switch (v.toUpperCase(Locale.ROOT)) {
            case "AVERAGE" -> ConsolFun.AVERAGE;
            case "MIN" -> ConsolFun.MIN;
            case "MAX" -> ConsolFun.MAX;
            default -> throw new Refused(400, "fn '" + v + "' is not one of AVERAGE, MIN, MAX");
        };
    }

    private static String comment(String body) {
        if (body == null || body.isBlank()) {
            throw new Refused(400, "an acknowledgement needs a JSON body {\"comment\": \"...\"}");
        }
        try {
            JsonObject o = JsonLoader.readObject(new StringReader(body));
            String c = o.getString("comment", "").strip();
            if (c.isEmpty() || c.length() > 1_000) {
                throw new Refused(400, "comment must be 1 to 1000 characters");
            }
            return c;
        } catch (Refused r) {
            throw r;
        } catch (RuntimeException e) {
            throw new Refused(400, "the body is not a JSON object with a comment");
        }
    }

    private static String unit(String name) {
        return name.endsWith("Pkts") || name.endsWith("Errors") || name.endsWith("Discards") ? "/s" : "";
    }
}
