package io.junction.consume.store;

import io.junction.client.Json;
import io.junction.consume.event.Correlator;
import io.junction.consume.event.Incoming;
import io.junction.consume.event.Problem;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * The event manager's problems in the {@link Database}, with their full history. An event is recorded in one
 * transaction that locks its device's row, so that any number of event manager processes sharing a PostgreSQL database
 * judge each device's events one at a time and in order: the device's open problems and what the {@link Correlator}
 * remembers of it are read, the event judged, the changes written, and the message's id kept, so that a message
 * delivered again (its first delivery's commit having been lost) changes nothing.
 */
public final class EventStore {
    /** Severities from the most serious down; a query for one shows it and those above. */
    public static final List<String> SEVERITIES = List.of("critical", "major", "minor", "warning", "indeterminate", "normal");

    /** What recording an event did: its outcome, the problem (numbered by the store), or that it was recorded before. */
    public record Recorded(Correlator.Outcome outcome, Problem problem, boolean duplicate) {
    }

    /**
     * A problem as stored: with its acknowledgement, if any, and the maintenance window it opened in, if any (null:
     * none).
     */
    public record Stored(Problem problem, Instant ackedAt, String ackedBy, String ackComment, Long maintenanceId) {
        /** Its fields as the API and the notifications show them (times in ISO-8601; absent ones left out). */
        public Map<String, Object> fields() {
            Problem p = problem;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("tenant", p.tenant());
            m.put("site", p.site());
            m.put("device", p.device());
            m.put("type", p.type());
            m.put("instance", p.instance());
            m.put("severity", p.severity());
            m.put("count", p.count());
            m.put("suppressed", p.suppressed());
            m.put("firstSeen", p.firstSeen().toString());
            m.put("lastSeen", p.lastSeen().toString());
            m.put("open", p.open());
            putPresent(m, "closedAt", p.closedAt() == null ? null : p.closedAt().toString());
            putPresent(m, "ackedAt", ackedAt == null ? null : ackedAt.toString());
            putPresent(m, "ackedBy", ackedBy);
            putPresent(m, "ackComment", ackComment);
            putPresent(m, "maintenance", maintenanceId);
            return m;
        }

        private static void putPresent(Map<String, Object> m, String key, Object value) {
            if (value != null) {
                m.put(key, value);
            }
        }

        public boolean acked() {
            return ackedAt != null;
        }
    }

    /** One change of a problem: {@code opened}, {@code repeated}, {@code suppressed}, {@code closed}, {@code acked}, ... */
    public record Change(Instant at, String kind, String eventType, String severity, String detail) {
    }

    /**
     * Which problems to list: of {@code tenant} (null: every tenant), only open ones, of one device (null: all), of
     * {@code severity} or more serious (null: all), last seen at or after {@code since} (null: ever); newest first.
     */
    public record Query(String tenant, boolean openOnly, String device, String severity, Instant since, int limit) {
        public Query {
            if (severity != null && !SEVERITIES.contains(severity)) {
                throw new IllegalArgumentException("severity '" + severity + "' is not one of " + String.join(", ", SEVERITIES));
            }
        }
    }

    private final Database db;

    public EventStore(Database db) {
        this.db = db;
    }

    /**
     * Judges and records {@code e}, an event of {@code tenant} (the tenant whose destination it came from, whatever the
     * message says) carried by the message {@code messageId}.
     */
    public Recorded record(String tenant, String messageId, Incoming e, String detail) throws SQLException {
        if (!tenant.equals(e.tenant())) {
            throw new IllegalArgumentException("an event of tenant " + e.tenant() + " recorded for " + tenant);
        }
        return db.inTransaction(c -> {
            Correlator.Memory memory = lockDevice(c, tenant, e.device());
            if (processed(c, tenant, messageId)) {
                return new Recorded(null, null, true);
            }
            Map<String, Problem> before = new HashMap<>();
            for (Problem p : openOf(c, tenant, e.device())) {
                before.put(p.key(), p);
            }
            Correlator correlator = Correlator.restore(before.values(), memory);
            Correlator.Change change = correlator.take(e);
            Problem result = apply(c, tenant, before, correlator, change, e, detail);
            saveMemory(c, tenant, e.device(), correlator.memory(e.time()));
            try (PreparedStatement s = c.prepareStatement("INSERT INTO processed_messages (tenant, message_id, processed_at) VALUES (?, ?, ?)")) {
                s.setString(1, tenant);
                s.setString(2, messageId);
                s.setObject(3, time(Instant.now()));
                s.executeUpdate();
            }
            return new Recorded(change.outcome(), result, false);
        });
    }

    /**
     * Writes what {@code correlator} made of {@code before} (a device's open problems) on event {@code e}: problems
     * closed, ended or become flapping, opened, reopened or changed, each with its history and notices. Returns the
     * change's problem as stored (numbered if it opened).
     */
    private static Problem apply(Connection c, String tenant, Map<String, Problem> before, Correlator correlator, Correlator.Change change,
                                 Incoming e, String detail) throws SQLException {
        Map<String, Problem> ended = new HashMap<>();
        for (Problem p : correlator.drainEnded()) {
            ended.put(p.key(), p);
        }
        Map<String, Problem> after = new HashMap<>();
        for (Problem p : correlator.open()) {
            after.put(p.key(), p);
        }
        Problem result = change.problem();
        for (Problem was : before.values()) {
            if (!after.containsKey(was.key())) {
                Problem closed = result != null && result.key().equals(was.key()) ? result
                        : ended.getOrDefault(was.key(), null);
                String kind = closed == null ? "became flapping" : closed == result ? "closed" : "ended";
                Instant at = closed != null && closed.closedAt() != null ? closed.closedAt() : e.time();
                close(c, was.id(), at);
                history(c, was.id(), at, kind, e, detail);
                // closed by its recovery, ended quiet, or replaced by a flapping problem (which is notified as opened)
                notice(c, was.id(), "closed");
            }
        }
        for (Problem now : after.values()) {
            Problem was = before.get(now.key());
            boolean isResult = result != null && result.key().equals(now.key());
            if (was == null) {
                long id = insert(c, now, MaintenanceWindows.covering(c, tenant, now.site(), now.device(), now.firstSeen()).orElse(null));
                Problem numbered = numbered(now, id);
                history(c, id, e.time(), isResult ? kindOf(change.outcome()) : "reopened", e, detail);
                notice(c, id, "opened");
                if (isResult) {
                    result = numbered;
                }
            } else if (!was.equals(now)) {
                update(c, now);
                history(c, now.id(), e.time(), isResult ? kindOf(change.outcome()) : "changed", e, detail);
            }
        }
        return result;
    }

    /**
     * Ends {@code tenant}'s flapping problems that have been quiet for the flapping window at {@code now}, as their
     * thing's next event would (a thing left down has its own problem opened again); returns how many ended.
     */
    public int endQuietFlapping(String tenant, Instant now) throws SQLException {
        List<String[]> devices = db.inTransaction(c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT site, device FROM problems WHERE tenant = ? AND closed_at IS NULL"
                    + " AND problem_type = 'flapping' AND last_seen < ?")) {
                s.setString(1, tenant);
                s.setObject(2, time(now.minus(Correlator.FLAP_WINDOW)));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new String[] {r.getString(1), r.getString(2)});
                    }
                }
            }
            return out;
        });
        int ended = 0;
        for (String[] d : devices) {
            ended += db.inTransaction(c -> {
                // under the device's lock, as an event of it is judged
                Correlator.Memory memory = lockDevice(c, tenant, d[1]);
                Map<String, Problem> before = new HashMap<>();
                for (Problem p : openOf(c, tenant, d[1])) {
                    before.put(p.key(), p);
                }
                Correlator correlator = Correlator.restore(before.values(), memory);
                correlator.endQuiet(now);
                Incoming quiet = new Incoming(tenant, d[0], d[1], "flapping-quiet", "", "normal", now);
                int n = (int) before.values().stream().filter(p -> p.type().equals("flapping"))
                        .filter(p -> correlator.open().stream().noneMatch(o -> o.key().equals(p.key()))).count();
                apply(c, tenant, before, correlator, new Correlator.Change(Correlator.Outcome.RECORDED, null), quiet,
                        "no change for " + io.junction.config.Durations.format(Correlator.FLAP_WINDOW) + ": the flapping is over");
                saveMemory(c, tenant, d[1], correlator.memory(now));
                return n;
            });
        }
        return ended;
    }

    /** The problems {@code q} asks for, newest first. */
    public List<Stored> problems(Query q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM problems WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.tenant() != null) {
            sql.append(" AND tenant = ?");
            args.add(q.tenant());
        }
        if (q.openOnly()) {
            sql.append(" AND closed_at IS NULL");
        }
        if (q.device() != null) {
            sql.append(" AND device = ?");
            args.add(q.device());
        }
        if (q.severity() != null) {
            List<String> wanted = SEVERITIES.subList(0, SEVERITIES.indexOf(q.severity()) + 1);
            sql.append(" AND severity IN (").append(String.join(", ", wanted.stream().map(w -> "?").toList())).append(")");
            args.addAll(wanted);
        }
        if (q.since() != null) {
            sql.append(" AND last_seen >= ?");
            args.add(time(q.since()));
        }
        sql.append(" ORDER BY last_seen DESC, id DESC");
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                s.setMaxRows(Math.max(1, q.limit()));
                return stored(s);
            }
        });
    }

    /** Problem {@code id} if it is {@code tenant}'s: another tenant's is as absent as one that never was. */
    public Optional<Stored> problem(String tenant, long id) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM problems WHERE id = ? AND tenant = ?")) {
                s.setLong(1, id);
                s.setString(2, tenant);
                return stored(s).stream().findFirst();
            }
        });
    }

    /** Problem {@code id}'s changes, oldest first; empty if it is not {@code tenant}'s. */
    public List<Change> history(String tenant, long id) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT h.* FROM problem_history h JOIN problems p ON p.id = h.problem_id"
                    + " WHERE h.problem_id = ? AND p.tenant = ? ORDER BY h.id")) {
                s.setLong(1, id);
                s.setString(2, tenant);
                List<Change> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new Change(instant(r, "happened_at"), r.getString("change_kind"), r.getString("event_type"), r.getString("severity"),
                                r.getString("detail")));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Acknowledges {@code tenant}'s problem {@code id} as {@code user} with {@code comment}; false if there is no such
     * problem of that tenant. Acknowledging again replaces the comment, and both are in the history.
     */
    public boolean ack(String tenant, long id, String user, String comment, Instant at) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE problems SET acked_at = ?, acked_by = ?, ack_comment = ? WHERE id = ? AND tenant = ?")) {
                s.setObject(1, time(at));
                s.setString(2, user);
                s.setString(3, comment);
                s.setLong(4, id);
                s.setString(5, tenant);
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO problem_history (problem_id, happened_at, change_kind, detail) VALUES (?, ?, ?, ?)")) {
                s.setLong(1, id);
                s.setObject(2, time(at));
                s.setString(3, "acked");
                s.setString(4, clip(user + ": " + comment));
                s.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Raises by one step ({@code warning} to {@code minor} to {@code major} to {@code critical}) the severity of each of
     * {@code tenant}'s open, unacknowledged problems that a recovery closes ({@link Correlator#RECOVERABLE}) and that
     * has been so for {@code after} since it opened or was last raised, unless it
     * opened in a maintenance window or one covers it now (its escalation time does not run). Each raise is in the
     * problem's history. Returns the problems raised.
     */
    public List<Problem> escalate(String tenant, Instant now, java.time.Duration after) throws SQLException {
        List<long[]> due = new ArrayList<>();
        List<String[]> where = new ArrayList<>();
        db.inTransaction(c -> {
            // only problems that a recovery closes: a flapping or a restart stays open until it ends by itself or is
            // acknowledged, and must not climb to critical meanwhile
            try (PreparedStatement s = c.prepareStatement("SELECT id, tenant, site, device FROM problems WHERE tenant = ? AND closed_at IS NULL"
                    + " AND acked_at IS NULL AND maintenance_id IS NULL AND severity IN ('warning', 'minor', 'major')"
                    + " AND problem_type IN (" + String.join(", ", Correlator.RECOVERABLE.stream().map(t -> "'" + t + "'").toList()) + ")"
                    + " AND COALESCE(escalated_at, first_seen) <= ?")) {
                s.setString(1, tenant);
                s.setObject(2, time(now.minus(after)));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        due.add(new long[] {r.getLong(1)});
                        where.add(new String[] {r.getString(2), r.getString(3), r.getString(4)});
                    }
                }
            }
            return null;
        });
        List<Problem> raised = new ArrayList<>();
        for (int i = 0; i < due.size(); i++) {
            long id = due.get(i)[0];
            String[] w = where.get(i);
            Problem p = db.inTransaction(c -> {
                // the device's lock, as an event of it takes: the problem is judged again under it
                lockDevice(c, w[0], w[2]);
                if (MaintenanceWindows.covering(c, w[0], w[1], w[2], now).isPresent()) {
                    return null;
                }
                Stored current;
                try (PreparedStatement s = c.prepareStatement("SELECT * FROM problems WHERE id = ? AND closed_at IS NULL AND acked_at IS NULL"
                        + " AND COALESCE(escalated_at, first_seen) <= ?")) {
                    s.setLong(1, id);
                    s.setObject(2, time(now.minus(after)));
                    List<Stored> found = stored(s);
                    if (found.isEmpty()) {
                        return null;
                    }
                    current = found.get(0);
                }
                String from = current.problem().severity();
                int step = SEVERITIES.indexOf(from);
                if (step <= 0 || step > SEVERITIES.indexOf("warning")) {
                    return null;
                }
                String to = SEVERITIES.get(step - 1);
                try (PreparedStatement s = c.prepareStatement("UPDATE problems SET severity = ?, escalated_at = ? WHERE id = ?")) {
                    s.setString(1, to);
                    s.setObject(2, time(now));
                    s.setLong(3, id);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO problem_history (problem_id, happened_at, change_kind, severity, detail)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
                    s.setLong(1, id);
                    s.setObject(2, time(now));
                    s.setString(3, "escalated");
                    s.setString(4, to);
                    s.setString(5, "open and unacknowledged for " + io.junction.config.Durations.format(after) + ": " + from + " to " + to);
                    s.executeUpdate();
                }
                notice(c, id, "escalated");
                Problem was = current.problem();
                return new Problem(was.id(), was.tenant(), was.site(), was.device(), was.type(), was.instance(), to, was.count(), was.suppressed(),
                        was.firstSeen(), was.lastSeen(), was.closedAt());
            });
            if (p != null) {
                raised.add(p);
            }
        }
        return raised;
    }

    /** The tenants whose devices sent events into this store (those a process serving every tenant looks after). */
    public java.util.SortedSet<String> tenants() throws SQLException {
        return db.inTransaction(c -> {
            java.util.SortedSet<String> out = new java.util.TreeSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT tenant FROM device_memory"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        });
    }

    /** Forgets the ids of messages processed before {@code before} (a message is delivered again within minutes). */
    public int forgetProcessed(Instant before) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM processed_messages WHERE processed_at < ?")) {
                s.setObject(1, time(before));
                return s.executeUpdate();
            }
        });
    }

    /**
     * Writes a notice of {@code reason} (opened, escalated, repeated, closed) for problem {@code id}, in the caller's
     * transaction, unless a maintenance window covered the problem when it opened: such problems notify nothing.
     */
    private static void notice(Connection c, long id, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO notices (tenant, problem_id, reason, created_at) SELECT tenant, id, ?, ?"
                + " FROM problems WHERE id = ? AND maintenance_id IS NULL")) {
            s.setString(1, reason);
            s.setObject(2, time(Instant.now()));
            s.setLong(3, id);
            s.executeUpdate();
        }
    }

    /**
     * Writes a {@code repeated} notice for each open, unacknowledged problem of {@code tenant} that a rule notifies
     * (it has deliveries) and whose last notice is older than {@code schedule}'s step for the notices it has had (5,
     * 10, 20, 40 minutes by default, the last step again after that); returns how many. Each is judged again under
     * the problem's row lock, so processes sharing the database write one.
     */
    public int repeatDue(String tenant, Instant now, List<java.time.Duration> schedule) throws SQLException {
        if (schedule.isEmpty()) {
            return 0;
        }
        String due = "SELECT p.id, COUNT(n.id), MAX(n.created_at) FROM problems p JOIN notices n ON n.problem_id = p.id"
                + " WHERE p.tenant = ? AND p.closed_at IS NULL AND p.acked_at IS NULL AND p.maintenance_id IS NULL"
                + " AND EXISTS (SELECT 1 FROM deliveries d WHERE d.problem_id = p.id)";
        List<Long> candidates = db.inTransaction(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(due + " GROUP BY p.id")) {
                s.setString(1, tenant);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (repeatIsDue(r.getInt(2), instant(r, 3), now, schedule)) {
                            out.add(r.getLong(1));
                        }
                    }
                }
            }
            return out;
        });
        int written = 0;
        for (long id : candidates) {
            boolean wrote = db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT id FROM problems WHERE id = ? FOR UPDATE")) {
                    s.setLong(1, id);
                    s.executeQuery().close();
                }
                try (PreparedStatement s = c.prepareStatement(due + " AND p.id = ? GROUP BY p.id")) {
                    s.setString(1, tenant);
                    s.setLong(2, id);
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next() || !repeatIsDue(r.getInt(2), instant(r, 3), now, schedule)) {
                            return false;
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO notices (tenant, problem_id, reason, created_at) VALUES (?, ?, 'repeated', ?)")) {
                    s.setString(1, tenant);
                    s.setLong(2, id);
                    s.setObject(3, time(now));
                    s.executeUpdate();
                }
                return true;
            });
            written += wrote ? 1 : 0;
        }
        return written;
    }

    private static boolean repeatIsDue(int notices, Instant last, Instant now, List<java.time.Duration> schedule) {
        java.time.Duration step = schedule.get(Math.min(Math.max(notices, 1) - 1, schedule.size() - 1));
        return last != null && !last.plus(step).isAfter(now);
    }

    /** Problem {@code id} of {@code tenant}, read in the caller's transaction. */
    public static Optional<Stored> problemIn(Connection c, String tenant, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM problems WHERE tenant = ? AND id = ?")) {
            s.setString(1, tenant);
            s.setLong(2, id);
            return stored(s).stream().findFirst();
        }
    }

    /** The device's memory, its row locked until the transaction ends (made if it has none). */
    private static Correlator.Memory lockDevice(Connection c, String tenant, String device) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT memory FROM device_memory WHERE tenant = ? AND device = ? FOR UPDATE")) {
            s.setString(1, tenant);
            s.setString(2, device);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return memory(r.getString(1));
                }
            }
        }
        // a race with another process making it too ends in a unique violation, and the transaction is run again
        try (PreparedStatement s = c.prepareStatement("INSERT INTO device_memory (tenant, device, memory) VALUES (?, ?, ?)")) {
            s.setString(1, tenant);
            s.setString(2, device);
            s.setString(3, "{}");
            s.executeUpdate();
        }
        return Correlator.Memory.EMPTY;
    }

    private static boolean processed(Connection c, String tenant, String messageId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM processed_messages WHERE tenant = ? AND message_id = ?")) {
            s.setString(1, tenant);
            s.setString(2, messageId);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static List<Problem> openOf(Connection c, String tenant, String device) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM problems WHERE tenant = ? AND device = ? AND closed_at IS NULL")) {
            s.setString(1, tenant);
            s.setString(2, device);
            return stored(s).stream().map(Stored::problem).toList();
        }
    }

    private static long insert(Connection c, Problem p, Long maintenance) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO problems (tenant, site, device, problem_type, instance, severity, event_count,"
                + " suppressed, first_seen, last_seen, closed_at, maintenance_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            s.setString(1, p.tenant());
            s.setString(2, p.site());
            s.setString(3, p.device());
            s.setString(4, p.type());
            s.setString(5, p.instance());
            s.setString(6, p.severity());
            s.setInt(7, p.count());
            s.setInt(8, p.suppressed());
            s.setObject(9, time(p.firstSeen()));
            s.setObject(10, time(p.lastSeen()));
            s.setObject(11, p.closedAt() == null ? null : time(p.closedAt()));
            if (maintenance == null) {
                s.setNull(12, java.sql.Types.BIGINT);
            } else {
                s.setLong(12, maintenance);
            }
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static void update(Connection c, Problem p) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE problems SET severity = ?, event_count = ?, suppressed = ?, last_seen = ? WHERE id = ?")) {
            s.setString(1, p.severity());
            s.setInt(2, p.count());
            s.setInt(3, p.suppressed());
            s.setObject(4, time(p.lastSeen()));
            s.setLong(5, p.id());
            s.executeUpdate();
        }
    }

    private static void close(Connection c, long id, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE problems SET closed_at = ? WHERE id = ?")) {
            s.setObject(1, time(at));
            s.setLong(2, id);
            s.executeUpdate();
        }
    }

    private static void history(Connection c, long id, Instant at, String kind, Incoming e, String detail) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO problem_history (problem_id, happened_at, change_kind, event_type, severity, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, id);
            s.setObject(2, time(at));
            s.setString(3, kind);
            s.setString(4, e.type());
            s.setString(5, e.severity());
            s.setString(6, detail == null ? null : clip(detail));
            s.executeUpdate();
        }
    }

    private static void saveMemory(Connection c, String tenant, String device, Correlator.Memory m) throws SQLException {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> changes = new LinkedHashMap<>();
        m.changes().forEach((thing, at) -> changes.put(thing, at.stream().map(Instant::toString).toList()));
        json.put("changes", changes);
        json.put("downUnderFlap", new LinkedHashMap<>(m.downUnderFlap()));
        try (PreparedStatement s = c.prepareStatement("UPDATE device_memory SET memory = ? WHERE tenant = ? AND device = ?")) {
            s.setString(1, Json.write(json));
            s.setString(2, tenant);
            s.setString(3, device);
            s.executeUpdate();
        }
    }

    static Correlator.Memory memory(String text) {
        JsonObject o = JsonLoader.readObject(new StringReader(text));
        Map<String, List<Instant>> changes = new HashMap<>();
        JsonObject c = o.containsKey("changes") ? o.getJsonObject("changes") : null;
        if (c != null) {
            for (String thing : c.keySet()) {
                JsonArray at = c.getJsonArray(thing);
                List<Instant> times = new ArrayList<>();
                for (int i = 0; i < at.size(); i++) {
                    times.add(Instant.parse(at.getString(i)));
                }
                changes.put(thing, times);
            }
        }
        Map<String, String> down = new HashMap<>();
        JsonObject d = o.containsKey("downUnderFlap") ? o.getJsonObject("downUnderFlap") : null;
        if (d != null) {
            for (String thing : d.keySet()) {
                down.put(thing, d.getString(thing));
            }
        }
        return new Correlator.Memory(changes, down);
    }

    private static List<Stored> stored(PreparedStatement s) throws SQLException {
        List<Stored> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                Problem p = new Problem(r.getLong("id"), r.getString("tenant"), r.getString("site"), r.getString("device"), r.getString("problem_type"),
                        r.getString("instance"), r.getString("severity"), r.getInt("event_count"), r.getInt("suppressed"), instant(r, "first_seen"),
                        instant(r, "last_seen"), instant(r, "closed_at"));
                long window = r.getLong("maintenance_id");
                Long maintenance = r.wasNull() ? null : window;
                out.add(new Stored(p, instant(r, "acked_at"), r.getString("acked_by"), r.getString("ack_comment"), maintenance));
            }
        }
        return out;
    }

    private static Problem numbered(Problem p, long id) {
        return new Problem(id, p.tenant(), p.site(), p.device(), p.type(), p.instance(), p.severity(), p.count(), p.suppressed(), p.firstSeen(),
                p.lastSeen(), p.closedAt());
    }

    private static String kindOf(Correlator.Outcome o) {
        return switch (o) {
            case OPENED -> "opened";
            case REPEATED -> "repeated";
            case CLOSED -> "closed";
            case FLAPPING -> "flapping";
            case SUPPRESSED -> "suppressed";
            case RECORDED -> "recorded";
        };
    }

    /** To the microsecond, which both databases keep (rounding differs between them). */
    private static OffsetDateTime time(Instant i) {
        return i.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String clip(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }
}
