package io.junction.consume.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maintenance windows of a tenant, its site or one device: a problem that opens inside one is recorded, counted and
 * closed as any other, and carries the window ({@link EventStore.Stored#maintenanceId}), so that notifications leave it alone
 * and its escalation time does not run.
 */
public final class MaintenanceWindows {
    /** The longest window: a maintenance that lasts longer is an outage to see, not to hide. */
    public static final Duration LONGEST = Duration.ofDays(31);

    /** A window: of the whole tenant when both {@code site} and {@code device} are null. */
    public record Window(long id, String tenant, String site, String device, Instant start, Instant end, String reason, String createdBy) {
        public boolean covers(String site, String device, Instant at) {
            return (this.site == null || this.site.equals(site)) && (this.device == null || this.device.equals(device)) && !at.isBefore(start)
                    && at.isBefore(end);
        }
    }

    private final Database db;

    public MaintenanceWindows(Database db) {
        this.db = db;
    }

    /** Adds a window; a bad one (ending before it starts, longer than 31 days, no reason) is IllegalArgumentException. */
    public Window add(String tenant, String site, String device, Instant start, Instant end, String reason, String by) throws SQLException {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("a maintenance window must end after it starts (" + start + " to " + end + ")");
        }
        if (Duration.between(start, end).compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("a maintenance window lasts at most 31 days");
        }
        if (site != null && site.length() > 200 || device != null && device.length() > 200) {
            throw new IllegalArgumentException("a site or device name is at most 200 characters");
        }
        if (reason == null || reason.isBlank() || reason.length() > 1_000) {
            throw new IllegalArgumentException("a maintenance window needs a reason of 1 to 1000 characters");
        }
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO maintenance_windows (tenant, site, device, starts_at, ends_at, reason, created_by,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, tenant);
                s.setString(2, site);
                s.setString(3, device);
                s.setObject(4, time(start));
                s.setObject(5, time(end));
                s.setString(6, reason.strip());
                s.setString(7, by);
                s.setObject(8, time(Instant.now()));
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    return new Window(keys.getLong(1), tenant, site, device, start.truncatedTo(ChronoUnit.MICROS), end.truncatedTo(ChronoUnit.MICROS),
                            reason.strip(), by);
                }
            }
        });
    }

    /** The tenant's windows that have not ended by {@code now}, soonest first. */
    public List<Window> current(String tenant, Instant now) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT * FROM maintenance_windows WHERE tenant = ? AND ends_at > ? ORDER BY starts_at, id")) {
                s.setString(1, tenant);
                s.setObject(2, time(now));
                return windows(s);
            }
        });
    }

    /** Removes the tenant's window {@code id}; false if the tenant has none such. */
    public boolean remove(String tenant, long id) throws SQLException {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM maintenance_windows WHERE tenant = ? AND id = ?")) {
                s.setString(1, tenant);
                s.setLong(2, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** The window, if any, that covers the tenant's {@code device} of {@code site} at {@code at}: the one that ends last. */
    static Optional<Long> covering(Connection c, String tenant, String site, String device, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM maintenance_windows WHERE tenant = ? AND starts_at <= ? AND ends_at > ?"
                + " AND (site IS NULL OR site = ?) AND (device IS NULL OR device = ?) ORDER BY ends_at DESC, id")) {
            s.setString(1, tenant);
            s.setObject(2, time(at));
            s.setObject(3, time(at));
            s.setString(4, site);
            s.setString(5, device);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        }
    }

    private static List<Window> windows(PreparedStatement s) throws SQLException {
        List<Window> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new Window(r.getLong("id"), r.getString("tenant"), r.getString("site"), r.getString("device"),
                        r.getObject("starts_at", OffsetDateTime.class).toInstant(), r.getObject("ends_at", OffsetDateTime.class).toInstant(),
                        r.getString("reason"), r.getString("created_by")));
            }
        }
        return out;
    }

    private static OffsetDateTime time(Instant i) {
        return i.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
