package io.junction.poll.profile;

import java.util.List;
import java.util.Map;

/**
 * What to poll on a device: named scalars, and tables of named columns. Every name is unique in its profile and is the
 * name a value carries in the metrics message.
 *
 * @param scalars each read with a GET of its OID (which ends in its instance, usually {@code .0})
 * @param tables  each walked column by column
 */
public record Profile(String name, String description, List<Metric> scalars, List<Table> tables) {
    /** A named numeric OID. */
    public record Metric(String name, String oid) {
    }

    /**
     * A table: its columns, the column whose value labels a row (an interface's {@code ifName}), and the columns that
     * stand in for others only where a row lacks those (a 32-bit counter for its 64-bit twin).
     */
    public record Table(String name, String label, List<Metric> columns, Map<String, String> fallbacks) {
    }

    public Profile {
        scalars = List.copyOf(scalars);
        tables = List.copyOf(tables);
    }
}
