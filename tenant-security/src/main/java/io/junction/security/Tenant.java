package io.junction.security;

import io.junction.client.TenantAddresses;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A customer of the bus. Its data lives under the addresses {@code tenant.ID.*} (MQTT topics {@code tenant/ID/...},
 * named in {@link TenantAddresses}); its users see nothing else, and its limits bound what it can hold.
 */
public record Tenant(String id, String name, TenantLimits limits) {
    /** Every tenant address starts with this, then the tenant id, then a dot. */
    public static final String ADDRESS_ROOT = TenantAddresses.ROOT;
    /** The addresses created with every tenant, as {@code tenant.ID.NAME}: publish-subscribe, each with a durable queue. */
    public static final List<String> DESTINATIONS = TenantAddresses.DESTINATIONS;
    /** Where messages delivered too often, and messages that expired, end up: {@code tenant.ID.dlq} and {@code tenant.ID.expiry}. */
    public static final String DEAD_LETTERS = TenantAddresses.DEAD_LETTERS;
    public static final String EXPIRED = TenantAddresses.EXPIRED;

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
        return TenantAddresses.checkId(id);
    }

    /** {@code tenant.ID.} */
    public String prefix() {
        return TenantAddresses.prefix(id);
    }

    /** The address {@code tenant.ID.NAME}. */
    public String address(String destination) {
        return TenantAddresses.address(id, destination);
    }

    /** Every address created with the tenant: its destinations, then its dead-letter and expiry addresses. */
    public List<String> addresses() {
        return TenantAddresses.all(id);
    }

    /** {@link TenantAddresses#owner}. */
    public static Optional<String> owner(String address) {
        return TenantAddresses.owner(address);
    }

    /** {@link TenantAddresses#local}. */
    public static String local(String address) {
        return TenantAddresses.local(address);
    }
}
