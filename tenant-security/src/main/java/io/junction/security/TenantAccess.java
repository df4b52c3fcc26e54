package io.junction.security;

import io.junction.client.TenantAddresses;
import java.util.EnumSet;
import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;

/**
 * Who may do what where. A tenant's user acts only on addresses under its own {@code tenant.ID.}; a tenant's admin
 * may also call the user operations of Junction's directory resource and the device operations of its inventory
 * resource (which confine it to its tenant) and no other management; a tenant's poller publishes to its tenant's
 * metrics and events and reads its site's devices; the service's operator reads every tenant's metrics, events,
 * alerts and inventory (never a device's secrets); the service's admin does anything. Everything else,
 * management, notifications and temporary queues (whose names are outside any tenant) included, is refused: no
 * catch-all grants a tenant's roles anything.
 */
public final class TenantAccess {
    private static final Set<CheckType> PRODUCE = EnumSet.of(CheckType.SEND, CheckType.CREATE_ADDRESS);
    private static final Set<CheckType> CONSUME = EnumSet.of(CheckType.CONSUME, CheckType.BROWSE, CheckType.CREATE_NON_DURABLE_QUEUE,
            CheckType.DELETE_NON_DURABLE_QUEUE, CheckType.CREATE_DURABLE_QUEUE);
    private static final Set<CheckType> ADMINISTER = EnumSet.of(CheckType.SEND, CheckType.CREATE_ADDRESS, CheckType.DELETE_ADDRESS,
            CheckType.CONSUME, CheckType.BROWSE, CheckType.CREATE_NON_DURABLE_QUEUE, CheckType.DELETE_NON_DURABLE_QUEUE,
            CheckType.CREATE_DURABLE_QUEUE, CheckType.DELETE_DURABLE_QUEUE);

    private static final Set<String> POLLER_RESULTS = Set.of("metrics", "events");
    /** {@code tenant.ID.work.SITE}: a site's work queue. */
    private static final String WORK = "work.";
    private static final String MANAGEMENT_ADDRESS = "activemq.management";
    /** Artemis's per-operation management addresses ({@code mops.RESOURCE.OPERATION}) that each kind of user may call. */
    private static final Set<String> TENANT_ADMIN_OPERATIONS = operations("junction.directory",
            "addUser", "removeUser", "setPassword", "users", "tenant", "tenantMessages");
    private static final Set<String> TENANT_ADMIN_INVENTORY = operations("junction.inventory",
            "addDevice", "updateDevice", "removeDevice", "devices", "device", "importDevices", "exportDevices", "sites");
    private static final Set<String> POLLER_OPERATIONS = operations("junction.inventory", "siteDevices");
    private static final Set<String> OPERATOR_OPERATIONS = operations("junction.inventory", "devices", "device", "exportDevices", "sites");

    private static final java.util.regex.Pattern TEMPORARY_NAME = java.util.regex.Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<CheckType> TEMPORARY = EnumSet.of(CheckType.SEND, CheckType.CREATE_ADDRESS, CheckType.DELETE_ADDRESS,
            CheckType.CREATE_NON_DURABLE_QUEUE, CheckType.DELETE_NON_DURABLE_QUEUE, CheckType.CONSUME);

    private static final TemporaryQueueOwners NO_OWNERS = new TemporaryQueueOwners();

    private TenantAccess() {
    }

    /**
     * Whether {@code user} may do {@code check} on {@code address}, which may be a fully qualified queue name
     * ({@code address::queue}) or hold wildcards.
     */
    public static boolean allows(User user, CheckType check, String address) {
        return allows(user, check, address, NO_OWNERS);
    }

    /** As {@link #allows(User, CheckType, String)}, with the owners of the temporary queues known. */
    public static boolean allows(User user, CheckType check, String address, TemporaryQueueOwners owners) {
        if (user == null || check == null) {
            return false;
        }
        if (user.isServiceAdmin()) {
            return true;
        }
        Set<String> operations = managementOperations(user);
        if (!operations.isEmpty()) {
            // a tenant's admin manages its users and devices, a poller reads its site's devices, the operator reads
            // the inventory, each through Junction's resources, which check the tenant themselves
            if (check == CheckType.MANAGE && MANAGEMENT_ADDRESS.equals(address)) {
                return true;
            }
            if ((check == CheckType.EDIT || check == CheckType.VIEW) && address != null && operations.contains(address)) {
                return true;
            }
            // the temporary queue the management answers come back on (the broker sends them as the caller): an address
            // and a queue both named by a random UUID, outside every tenant, and used by its creator alone
            String[] parts = address == null ? null : address.split("::", 2);
            if (parts != null && TEMPORARY_NAME.matcher(parts[0]).matches()) {
                return TEMPORARY.contains(check) && (parts.length == 1 || TEMPORARY_NAME.matcher(parts[1]).matches())
                        && owners.owner(parts[0]).map(user.name()::equals)
                                .orElse(check == CheckType.CREATE_ADDRESS || check == CheckType.CREATE_NON_DURABLE_QUEUE);
            }
        }
        String[] parts = address == null ? new String[] {""} : address.split("::", 2);
        String bare = parts[0];
        String owner = Tenant.owner(bare).orElse(null);
        if (owner == null) {
            return false;
        }
        if ((check == CheckType.CREATE_DURABLE_QUEUE || check == CheckType.CREATE_NON_DURABLE_QUEUE) && parts.length == 2
                && !mayNameQueue(user, parts[1], check == CheckType.CREATE_NON_DURABLE_QUEUE)) {
            return false;
        }
        String local = Tenant.local(bare);
        if (user.tenant() == null) {
            // the operator: every tenant's feeds (the owner may be a wildcard), read only
            if (local.equals(TenantAddresses.POLLERS)) {
                // the pollers' announcements, browsed by junction poller status
                return user.roles().contains(User.OPERATOR) && check == CheckType.BROWSE && isTenantId(owner);
            }
            return user.roles().contains(User.OPERATOR) && (CONSUME.contains(check) || wildcardSubscription(check, bare))
                    && (owner.equals("*") || isTenantId(owner))
                    && Tenant.DESTINATIONS.contains(local.split("\\.", 2)[0]);
        }
        if (!owner.equals(user.tenant()) || local.isEmpty()) {
            return false;
        }
        if (local.startsWith(WORK)) {
            // a site's work queue (its devices' scheduled polls) is its pollers' alone: no producer injects a poll, no
            // consumer takes one
            return user.roles().contains(User.ADMIN) && ADMINISTER.contains(check)
                    || user.roles().contains(User.POLLER) && (PRODUCE.contains(check) || CONSUME.contains(check));
        }
        if (local.equals(TenantAddresses.POLLERS)) {
            // announced by the tenant's pollers alone (no one else poses as one), read by browsing, administered by its admin
            return user.roles().contains(User.ADMIN) && ADMINISTER.contains(check)
                    || user.roles().contains(User.POLLER) && check == CheckType.SEND
                    || user.roles().contains(User.CONSUMER) && check == CheckType.BROWSE;
        }
        for (String role : user.roles()) {
            Set<CheckType> granted = switch (role) {
                case User.PRODUCER -> PRODUCE;
                case User.CONSUMER -> CONSUME;
                case User.ADMIN -> ADMINISTER;
                // a poller publishes its tenant's results (metrics and events) and nothing else
                case User.POLLER -> POLLER_RESULTS.contains(local) ? PRODUCE : Set.of();
                default -> Set.of();
            };
            if (granted.contains(check) || role.equals(User.CONSUMER) && (wildcardSubscription(check, bare)
                    || subscriptionOfFixedDestination(user, check, parts, local))) {
                return true;
            }
        }
        return false;
    }

    /** The management operations {@code user} may call: none for most users. */
    private static Set<String> managementOperations(User user) {
        Set<String> ops = new java.util.HashSet<>();
        if (user.tenant() != null && user.roles().contains(User.ADMIN)) {
            ops.addAll(TENANT_ADMIN_OPERATIONS);
            ops.addAll(TENANT_ADMIN_INVENTORY);
        }
        if (user.tenant() != null && user.roles().contains(User.POLLER)) {
            ops.addAll(POLLER_OPERATIONS);
        }
        if (user.tenant() == null && user.roles().contains(User.OPERATOR)) {
            ops.addAll(OPERATOR_OPERATIONS);
        }
        return ops;
    }

    private static Set<String> operations(String resource, String... names) {
        return java.util.Arrays.stream(names).map(n -> "mops." + resource + "." + n).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * Artemis creates an address for a wildcard subscription ({@code tenant.a.#}, MQTT {@code tenant/a/#}); it holds
     * nothing itself, so a reader may create it.
     */
    private static boolean wildcardSubscription(CheckType check, String address) {
        if (check != CheckType.CREATE_ADDRESS) {
            return false;
        }
        for (String word : address.split("\\.")) {
            if (word.equals("#") || word.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Artemis resource adapter (a message-driven bean's durable subscription) creates its queue without a routing
     * type, and Artemis then asks for CREATE_ADDRESS too, though the address exists. A tenant's fixed destinations are
     * made with the tenant, so granting it there, for a queue named inside the consumer's tenant, creates nothing.
     */
    private static boolean subscriptionOfFixedDestination(User user, CheckType check, String[] parts, String local) {
        return check == CheckType.CREATE_ADDRESS && parts.length == 2 && Tenant.DESTINATIONS.contains(local) && mayNameQueue(user, parts[1], false);
    }

    /**
     * Queue names are one namespace across the broker, so a user may name a queue only inside its own tenant
     * ({@code tenant.ID.}...; MQTT names a subscription's queue after the client id, JMS a durable subscription after
     * the client id or the subscription name) or, for a non-durable subscription, with a random UUID; the operator's
     * queues may not take a name inside any tenant. Otherwise one tenant could take the name of another tenant's
     * queue before it exists.
     */
    public static boolean mayNameQueue(User user, String rawQueue, boolean nonDurable) {
        if (user.isServiceAdmin()) {
            return true;
        }
        if (nonDurable && TEMPORARY_NAME.matcher(rawQueue).matches()) {
            return true;
        }
        // the Artemis JMS client escapes the dots of a subscription name (tenant\.a\.events\.store)
        String queue = rawQueue.replace("\\.", ".");
        if (user.tenant() == null) {
            // junction.* names Junction's own bindings (the tenants' alert diverts): nobody takes them
            return !queue.startsWith(Tenant.ADDRESS_ROOT + ".") && !queue.startsWith("junction.");
        }
        return queue.startsWith(Tenant.ADDRESS_ROOT + "." + user.tenant() + ".");
    }

    private static boolean isTenantId(String s) {
        try {
            Tenant.checkId(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
