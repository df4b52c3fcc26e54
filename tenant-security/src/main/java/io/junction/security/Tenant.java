package io.junction.security;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A customer of the bus. Its data lives under the addresses {@code tenant.ID.*} (MQTT topics {@code tenant/ID/...});
 * its users see nothing else, and its limits bound what it can hold.
 */
public record Tenant(String id, String name, TenantLimits limits) {
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,32}");
    /** Every tenant address starts with this, then the tenant id, then a dot. */
    public static final String ADDRESS_ROOT = "tenant";
    /** The addresses created with every tenant, as {@code tenant.ID.NAME}: publish-subscribe, each with a durable queue. */
    public static final List<String> DESTINATIONS = List.of("metrics", "events", "alerts");
    /** Where messages delivered too often, and messages that expired, end up: {@code tenant.ID.dlq} and {@code tenant.ID.expiry}. */
    public static final String DEAD_LETTERS = "dlq";
    public static final String EXPIRED = "expiry";

    public Tenant {
        checkId(id);
        Objects.requireNonNull(limits, "limits");
        name = name == null || name.isBlank() ? id : name.strip();
        if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Invalid tenant name for " + id + ": at most 200 characters, no control characters");
        }
    }

    /** Returns {@code id} if it is a valid tenant id, else throws a one-line error naming it. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Invalid tenant id '" + id + "': use 1 to 32 lowercase letters, digits and '-'");
        }
        return id;
    }

    /** {@code tenant.ID.} */
    public String prefix() {
        return ADDRESS_ROOT + "." + id + ".";
    }

    /** The address {@code tenant.ID.NAME}. */
    public String address(String destination) {
        return prefix() + destination;
    }

    /** Every address created with the tenant: its destinations, then its dead-letter and expiry addresses. */
    public List<String> addresses() {
        return java.util.stream.Stream.concat(DESTINATIONS.stream(), java.util.stream.Stream.of(DEAD_LETTERS, EXPIRED)).map(this::address).toList();
    }

    /**
     * The tenant id an address belongs to: the second word of {@code tenant.ID.REST}, which may be a wildcard
     * ({@code *} or {@code #}) in a subscription; empty for any address outside the tenant space.
     */
    public static Optional<String> owner(String address) {
        String root = ADDRESS_ROOT + ".";
        if (address == null || !address.startsWith(root)) {
            return Optional.empty();
        }
        int dot = address.indexOf('.', root.length());
        if (dot < 0) {
            return Optional.of(address.substring(root.length()));
        }
        return Optional.of(address.substring(root.length(), dot));
    }

    /** What follows {@code tenant.ID.} in an address, or empty if there is nothing. */
    public static String local(String address) {
        int first = address.indexOf('.');
        int second = first < 0 ? -1 : address.indexOf('.', first + 1);
        return second < 0 ? "" : address.substring(second + 1);
    }
}
