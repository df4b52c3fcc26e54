package io.junction.client;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names of a tenant's destinations: every address of tenant {@code ID} is {@code tenant.ID.NAME} (MQTT topics
 * {@code tenant/ID/NAME}), and its users reach nothing else. Pollers publish to {@link #metrics} and {@link #events};
 * the broker also delivers major events to {@link #alerts}.
 */
public final class TenantAddresses {
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,32}");
    /** Every tenant address starts with this, then the tenant id, then a dot. */
    public static final String ROOT = "tenant";
    /** The addresses created with every tenant, as {@code tenant.ID.NAME}: publish-subscribe, each with a durable queue. */
    public static final List<String> DESTINATIONS = List.of("metrics", "events", "alerts");
    /** Where messages delivered too often end up: {@code tenant.ID.dlq}. */
    public static final String DEAD_LETTERS = "dlq";
    /** Where messages that expired end up: {@code tenant.ID.expiry}. */
    public static final String EXPIRED = "expiry";
    /**
     * Where a tenant's pollers and trap receivers announce themselves: {@code tenant.ID.pollers}, a last-value queue
     * keyed by the {@link #ANNOUNCER} property, browsed by {@code junction poller status}.
     */
    public static final String POLLERS = "pollers";
    /** The property that names the announcer: the pollers queue keeps the last announcement of each. */
    public static final String ANNOUNCER = "poller";

    private TenantAddresses() {
    }

    /** Returns {@code id} if it is a valid tenant id, else throws a one-line error naming it. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Invalid tenant id '" + id + "': use 1 to 32 lowercase letters, digits and '-'");
        }
        return id;
    }

    /** {@code tenant.ID.} */
    public static String prefix(String tenant) {
        return ROOT + "." + checkId(tenant) + ".";
    }

    /** The address {@code tenant.ID.NAME}. */
    public static String address(String tenant, String destination) {
        return prefix(tenant) + destination;
    }

    /** {@code tenant.ID.metrics}: pollers' measurements. */
    public static String metrics(String tenant) {
        return address(tenant, "metrics");
    }

    /** {@code tenant.ID.events}: status changes and traps. */
    public static String events(String tenant) {
        return address(tenant, "events");
    }

    /** {@code tenant.ID.alerts}: the events the broker routes on for notification. */
    public static String alerts(String tenant) {
        return address(tenant, "alerts");
    }

    /** {@code tenant.ID.pollers}: the announcements of its pollers and trap receivers. */
    public static String pollers(String tenant) {
        return address(tenant, POLLERS);
    }

    /** Every address created with a tenant: its destinations, its dead-letter and expiry addresses, its pollers'. */
    public static List<String> all(String tenant) {
        return Stream.concat(DESTINATIONS.stream(), Stream.of(DEAD_LETTERS, EXPIRED, POLLERS)).map(d -> address(tenant, d)).toList();
    }

    /**
     * The tenant id an address belongs to: the second word of {@code tenant.ID.REST}, which may be a wildcard
     * ({@code *} or {@code #}) in a subscription; empty for any address outside the tenant space.
     */
    public static Optional<String> owner(String address) {
        String root = ROOT + ".";
        if (address == null || !address.startsWith(root)) {
            return Optional.empty();
        }
        int dot = address.indexOf('.', root.length());
        return Optional.of(dot < 0 ? address.substring(root.length()) : address.substring(root.length(), dot));
    }

    /** What follows {@code tenant.ID.} in an address, or empty if there is nothing. */
    public static String local(String address) {
        int first = address.indexOf('.');
        int second = first < 0 ? -1 : address.indexOf('.', first + 1);
        return second < 0 ? "" : address.substring(second + 1);
    }
}
