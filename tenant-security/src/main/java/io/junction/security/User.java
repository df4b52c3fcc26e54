package io.junction.security;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Someone who logs in: a user of one tenant ({@code producer}, {@code consumer}, {@code admin} of that tenant, or
 * {@code poller}: a collector at one of its sites, which reads the tenant's inventory and publishes its results) or,
 * with no tenant, of the whole service ({@code operator}, who reads every tenant's metrics, events and alerts, or
 * {@code admin}, who manages everything). Only a salted hash of the password is kept.
 */
public record User(String name, String tenant, Set<String> roles, String passwordHash) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    public static final String PRODUCER = "producer";
    public static final String CONSUMER = "consumer";
    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";
    public static final String POLLER = "poller";
    public static final Set<String> TENANT_ROLES = Set.of(PRODUCER, CONSUMER, ADMIN, POLLER);
    public static final Set<String> SERVICE_ROLES = Set.of(OPERATOR, ADMIN);

    public User {
        checkName(name);
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = Set.copyOf(roles);
        if (tenant != null) {
            Tenant.checkId(tenant);
        }
        Set<String> allowed = tenant == null ? SERVICE_ROLES : TENANT_ROLES;
        if (roles.isEmpty() || !allowed.containsAll(roles)) {
            throw new IllegalArgumentException("Invalid roles " + roles + " for user " + name + ": "
                    + (tenant == null ? "a user without a tenant is an operator or an admin" : "a tenant's user is a producer, consumer, admin or poller"));
        }
    }

    /** A new user whose password is hashed here. */
    public static User create(String name, String tenant, Set<String> roles, char[] password) {
        return new User(name, tenant, roles, PasswordHash.hash(password));
    }

    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid user name '" + name + "': use 1 to 64 letters, digits, '.', '_', '@' and '-'");
        }
        return name;
    }

    /** True for the service-wide administrator, who may do anything. */
    public boolean isServiceAdmin() {
        return tenant == null && roles.contains(ADMIN);
    }

    public User withPasswordHash(String hash) {
        return new User(name, tenant, roles, hash);
    }
}
