package io.junction.consume.notify;

import io.junction.client.Json;
import io.junction.config.Durations;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the event store's notices into deliveries and carries them out. A notice (written with the change it tells
 * of) is expanded once, by whichever process claims it first, into one delivery per action its tenant's rules ask
 * for; each delivery is tried until it succeeds, with back-off ({@link Settings#retry} doubled after each failure, at
 * most {@link Settings#maxRetry}), and given up after {@link Settings#giveUp}. A delivery is claimed for a while
 * before it is tried, so processes sharing the database do not try one at once; one whose process died mid-try is
 * tried again when the claim runs out: a receiver may get a notification twice, never none, and each carries its
 * delivery id ({@code X-Junction-Delivery}, {@code delivery}) to tell.
 */
public final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    /** How long a claimed delivery is left to its claimant: longer than a webhook's and an SMTP server's timeouts together. */
    static final Duration CLAIM = Duration.ofSeconds(60);
    private static final int BATCH = 50;

    /** Back-off of failed deliveries, when to give up, and when an open problem is notified again. */
    public record Settings(Duration retry, Duration maxRetry, Duration giveUp, List<Duration> repeat) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(24),
                List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40)));
    }

    /** One delivery as {@code junction notifications} shows it: never a secret, nor the document sent. */
    public record Delivery(long id, String tenant, long problem, String reason, String rule, String action, String target, String state, int attempts,
                           Instant created, Instant next, Instant done, String lastError) {
        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("problem", problem);
            m.put("reason", reason);
            m.put("rule", rule);
            m.put("action", action);
            m.put("target", target);
            m.put("state", state);
            m.put("attempts", attempts);
            m.put("created", created.toString());
            if (state.equals("pending")) {
                m.put("next", next.toString());
            }
            if (done != null) {
                m.put("done", done.toString());
            }
            if (lastError != null) {
                m.put("lastError", lastError);
            }
            return m;
        }
    }

    private final Database db;
    /** Replaced whole when the rule files are edited ({@link RulesWatch}). */
    private volatile NotificationRules rules;
    private final Senders senders;
    private final Settings settings;
    private final String owner;
    private final String tenant;

    /**
     * The notifier of {@code tenant}'s notices ({@link io.junction.consume.listen.ListenerSettings#ALL}: every tenant's, each by
     * its own rules); {@code owner} names this process in its claims.
     */
    public Notifier(Database db, NotificationRules rules, Senders senders, Settings settings, String owner, String tenant) {
        this.tenant = tenant;
        this.db = db;
        this.rules = rules;
        this.senders = senders;
        this.settings = settings;
        this.owner = owner;
    }

    private boolean all() {
        return io.junction.consume.listen.ListenerSettings.ALL.equals(tenant);
    }

    public NotificationRules rules() {
        return rules;
    }

    /** Puts {@code edited} in force: notices expanded from now on follow them. */
    public void rules(NotificationRules edited) {
        this.rules = edited;
    }

    /** Expands the notices not expanded yet into deliveries; returns how many notices this call expanded. */
    public int expand(Instant now) throws SQLException {
        List<Long> waiting = db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM notices WHERE expanded_at IS NULL" + (all() ? "" : " AND tenant = ?") + " ORDER BY id")) {
                if (!all()) {
                    s.setString(1, tenant);
                }
                return ids(s, BATCH);
            }
        });
        int expanded = 0;
        for (long id : waiting) {
            try {
                expanded += expandOne(id, now) ? 1 : 0;
            } catch (SQLException | RuntimeException e) {
                // one notice that cannot be expanded now must not hold up those after it; it is tried again next time
                LOG.warn("{}: notice {} cannot be expanded into deliveries now, tried again later: {}", tenant, id, e.toString());
            }
        }
        return expanded;
    }

    private boolean expandOne(long id, Instant now) throws SQLException {
        {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE notices SET expanded_at = ? WHERE id = ? AND expanded_at IS NULL")) {
                    s.setObject(1, time(now));
                    s.setLong(2, id);
                    if (s.executeUpdate() != 1) {
                        return false;
                    }
                }
                String tenant;
                long problem;
                String reason;
                try (PreparedStatement s = c.prepareStatement("SELECT tenant, problem_id, reason FROM notices WHERE id = ?")) {
                    s.setLong(1, id);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        tenant = r.getString(1);
                        problem = r.getLong(2);
                        reason = r.getString(3);
                    }
                }
                Optional<EventStore.Stored> stored = EventStore.problemIn(c, tenant, problem);
                if (stored.isEmpty()) {
                    return true;
                }
                NotificationRules.Tenant of = rules.of(tenant);
                for (Map.Entry<String, String> action : of.actions(stored.get(), reason).entrySet()) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("tenant", tenant);
                    doc.put("reason", reason);
                    doc.put("rule", action.getValue());
                    doc.put("summary", summary(stored.get(), reason));
                    doc.put("problem", stored.get().fields());
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO deliveries (notice_id, tenant, problem_id, reason, rule_name, action, payload,"
                            + " created_at, state, attempts, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)")) {
                        s.setLong(1, id);
                        s.setString(2, tenant);
                        s.setLong(3, problem);
                        s.setString(4, reason);
                        s.setString(5, action.getValue());
                        s.setString(6, action.getKey());
                        s.setString(7, Json.write(doc));
                        s.setObject(8, time(now));
                        s.setObject(9, time(now));
                        s.executeUpdate();
                    }
                }
                return true;
            });
        }
    }

    /** Tries the deliveries that are due and not claimed; returns how many succeeded. */
    public int deliver(Instant now) throws SQLException {
        List<Long> due = db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM deliveries WHERE state = 'pending' AND " + (all() ? "'*'" : "tenant")
                    + " = ? AND next_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY id")) {
                s.setString(1, tenant);
                s.setObject(2, time(now));
                s.setObject(3, time(now));
                return ids(s, BATCH);
            }
        });
        int delivered = 0;
        for (long id : due) {
            // each claim from the time it is made: the tries before it in this batch may have taken a while
            Instant claimedAt = later(now, Instant.now());
            Map<String, Object> row = db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE deliveries SET claimed_by = ?, claimed_until = ? WHERE id = ? AND state = 'pending'"
                        + " AND (claimed_until IS NULL OR claimed_until < ?)")) {
                    s.setString(1, owner);
                    s.setObject(2, time(claimedAt.plus(CLAIM)));
                    s.setLong(3, id);
                    s.setObject(4, time(claimedAt));
                    if (s.executeUpdate() != 1) {
                        return null;
                    }
                }
                try (PreparedStatement s = c.prepareStatement("SELECT tenant, action, payload, attempts, created_at FROM deliveries WHERE id = ?")) {
                    s.setLong(1, id);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("tenant", r.getString(1));
                        m.put("action", r.getString(2));
                        m.put("payload", r.getString(3));
                        m.put("attempts", r.getInt(4));
                        m.put("created", r.getObject(5, OffsetDateTime.class).toInstant());
                        return m;
                    }
                }
            });
            if (row == null) {
                continue;
            }
            delivered += attempt(id, row, claimedAt) ? 1 : 0;
        }
        return delivered;
    }

    private boolean attempt(long id, Map<String, Object> row, Instant now) throws SQLException {
        String tenant = (String) row.get("tenant");
        String action = (String) row.get("action");
        String payload = (String) row.get("payload");
        int attempts = (Integer) row.get("attempts") + 1;
        Map<String, Object> doc = parse(payload);
        String json = "{\"delivery\":" + id + "," + payload.substring(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> problem = (Map<String, Object>) doc.getOrDefault("problem", Map.of());
        NotificationRules.Tenant of = rules.of(tenant);
        String summary = String.valueOf(doc.get("summary"));
        String error = null;
        try {
            senders.send(new Senders.Notification(id, of, action, json, summary, problem));
        } catch (Exception e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
        }
        String failure = error;
        // the times from when the try ended (a try may take the senders' timeouts)
        Instant finished = later(now, Instant.now());
        boolean givenUp = failure != null && !((Instant) row.get("created")).plus(settings.giveUp()).isAfter(finished);
        Duration wait = backoff(attempts);
        boolean ours = db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, last_error = ?, done_at = ?,"
                    + " claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?")) {
                s.setString(1, failure == null ? "delivered" : givenUp ? "failed" : "pending");
                s.setInt(2, attempts);
                s.setObject(3, time(failure == null || givenUp ? finished : finished.plus(wait)));
                s.setString(4, failure == null ? null : clip(failure));
                s.setObject(5, failure == null || givenUp ? time(finished) : null);
                s.setLong(6, id);
                s.setString(7, owner);
                return s.executeUpdate() == 1;
            }
        });
        if (!ours) {
            LOG.warn("{}: delivery {} took longer than its claim ({} s); another process may have tried it too", tenant, id, CLAIM.toSeconds());
        }
        if (failure == null) {
            LOG.info("{}: delivered {} of problem {} by {} ({}), attempt {}", tenant, id, problem.get("id"), action, of.target(action), attempts);
        } else if (givenUp) {
            LOG.warn("{}: gave up delivery {} of problem {} by {} after {} attempts over {}: {}", tenant, id, problem.get("id"), action, attempts,
                    Durations.format(settings.giveUp()), failure);
        } else {
            LOG.warn("{}: delivery {} of problem {} by {} failed (attempt {}), next in {}: {}", tenant, id, problem.get("id"), action, attempts,
                    Durations.format(wait), failure);
        }
        return failure == null;
    }

    /** The wait after {@code attempts} failed tries: the retry interval, doubled each time, at most the longest. */
    Duration backoff(int attempts) {
        Duration d = settings.retry();
        for (int i = 1; i < attempts && d.compareTo(settings.maxRetry()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.maxRetry()) > 0 ? settings.maxRetry() : d;
    }

    /** The deliveries of {@code tenant}, newest first; only those not delivered (pending after a failure, or given up) when {@code failed}. */
    public List<Delivery> deliveries(String tenant, boolean failed, int limit) throws SQLException {
        NotificationRules.Tenant of = rules.of(tenant);
        return db.inTransaction(c -> {
            String sql = "SELECT id, problem_id, reason, rule_name, action, state, attempts, created_at, next_at, done_at, last_error FROM deliveries"
                    + " WHERE tenant = ?" + (failed ? " AND (state = 'failed' OR (state = 'pending' AND attempts > 0))" : "") + " ORDER BY id DESC";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, tenant);
                s.setMaxRows(limit);
                List<Delivery> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        OffsetDateTime done = r.getObject(10, OffsetDateTime.class);
                        out.add(new Delivery(r.getLong(1), tenant, r.getLong(2), r.getString(3), r.getString(4), r.getString(5), of.target(r.getString(5)),
                                r.getString(6), r.getInt(7), r.getObject(8, OffsetDateTime.class).toInstant(),
                                r.getObject(9, OffsetDateTime.class).toInstant(), done == null ? null : done.toInstant(), r.getString(11)));
                    }
                }
                return out;
            }
        });
    }

    /** The one line a notification is summed up in: severity, tenant, device (site), type and instance, what happened. */
    static String summary(EventStore.Stored s, String reason) {
        var p = s.problem();
        return p.severity().toUpperCase(java.util.Locale.ROOT) + " " + p.tenant() + " " + p.device() + " (" + p.site() + ") " + p.type()
                + (p.instance().isEmpty() ? "" : " " + p.instance()) + " " + reason + " (problem " + p.id() + ", seen " + p.count() + " times)";
    }

    private static Map<String, Object> parse(String json) {
        Map<String, Object> out = new LinkedHashMap<>();
        org.apache.activemq.artemis.json.JsonObject o = org.apache.activemq.artemis.utils.JsonLoader.readObject(new java.io.StringReader(json));
        o.forEach((k, v) -> out.put(k, v instanceof org.apache.activemq.artemis.json.JsonString str ? str.getString()
                : v instanceof org.apache.activemq.artemis.json.JsonObject obj ? flat(obj) : v.toString()));
        return out;
    }

    private static Map<String, Object> flat(org.apache.activemq.artemis.json.JsonObject o) {
        Map<String, Object> out = new LinkedHashMap<>();
        o.forEach((k, v) -> out.put(k, v instanceof org.apache.activemq.artemis.json.JsonString str ? str.getString() : v.toString()));
        return out;
    }

    private static List<Long> ids(Connection c, String sql, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            return ids(s, limit);
        }
    }

    private static List<Long> ids(PreparedStatement s, int limit) throws SQLException {
        s.setMaxRows(limit);
        List<Long> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(r.getLong(1));
            }
        }
        return out;
    }

    /** In microseconds, as the databases keep it: a time rounded up on storing would be later than the same time asked about. */
    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static OffsetDateTime time(Instant i) {
        return i.truncatedTo(java.time.temporal.ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static String clip(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000);
    }
}
