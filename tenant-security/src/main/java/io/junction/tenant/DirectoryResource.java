package io.junction.tenant;

import io.junction.config.Sizes;
import io.junction.security.Directory;
import io.junction.security.DirectoryStore;
import io.junction.security.Tenant;
import io.junction.security.TenantLimits;
import io.junction.security.User;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.json.JsonArrayBuilder;
import org.apache.activemq.artemis.json.JsonObjectBuilder;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * The tenant and user operations of {@code junction tenant} and {@code junction user}, invoked through Artemis
 * management (resource {@value TenantBrokers#RESOURCE}) by the service's admin, or by a tenant's admin for its own
 * tenant's users. Each change goes
 * through the {@link DirectoryStore}, that is to the cluster's registry on a cluster, and is applied whole or not at
 * all; a refused change throws with a one-line reason, which management returns to the caller.
 */
public final class DirectoryResource {
    private final ActiveMQServer server;
    private final DirectoryStore store;

    DirectoryResource(ActiveMQServer server, DirectoryStore store) {
        this.server = server;
        this.store = store;
    }

    /**
     * The tenant the calling user may act on: null for the service's admin (any tenant), the admin's own tenant for a
     * tenant's admin; anyone else is refused. Artemis has already let only these two kinds of user call.
     */
    private String scope() {
        String name = ManagementCaller.current();
        User caller = name == null ? null : store.snapshot().user(name).orElse(null);
        if (caller != null && caller.isServiceAdmin()) {
            return null;
        }
        if (caller != null && caller.tenant() != null && caller.roles().contains(User.ADMIN)) {
            return caller.tenant();
        }
        throw new SecurityException("User " + name + " may not manage tenants or users");
    }

    /** Refuses a tenant's admin acting on another tenant (or on none). */
    private void within(String scope, String tenant) {
        if (scope != null && !scope.equals(tenant)) {
            throw new SecurityException("An admin of tenant " + scope + " manages only that tenant's users");
        }
    }

    private void serviceAdminOnly() {
        if (scope() != null) {
            throw new SecurityException("Only the service's admin creates, changes and deletes tenants");
        }
    }

    /** Creates a tenant; {@code limits} is {@code key=value,...} over the defaults. Returns the tenant as JSON. */
    public String createTenant(String id, String name, String limits) {
        serviceAdminOnly();
        Tenant tenant = new Tenant(Tenant.checkId(id), name, TenantLimits.DEFAULTS.with(limits));
        Directory after = store.update(d -> {
            if (d.tenant(id).isPresent()) {
                throw new IllegalArgumentException("Tenant " + id + " already exists");
            }
            return withinMemory(d.withTenant(tenant), id);
        });
        TenantBrokers.apply(server, after);
        return tenantJson(after, after.tenant(id).orElseThrow(), false).build().toString();
    }

    /** Changes a tenant's name (unless empty) and the limits named in {@code limits}. */
    public String updateTenant(String id, String name, String limits) {
        serviceAdminOnly();
        Directory after = store.update(d -> {
            Tenant t = d.tenant(id).orElseThrow(() -> new IllegalArgumentException("No tenant " + id));
            return withinMemory(d.withTenant(new Tenant(id, name == null || name.isBlank() ? t.name() : name, t.limits().with(limits))), id);
        });
        TenantBrokers.apply(server, after);
        return tenantJson(after, after.tenant(id).orElseThrow(), false).build().toString();
    }

    /**
     * Refuses a directory whose tenants' {@code max-memory} add up to more than three quarters of this broker's
     * {@code memory.global-max-size}: then no tenant within its limits can fill the broker's memory and push the other
     * tenants, management and the cluster's own traffic into paging or "address full".
     */
    private Directory withinMemory(Directory d, String changed) {
        long global = server.getConfiguration().getGlobalMaxSize();
        if (global <= 0) {
            return d;
        }
        long forTenants = global / 4 * 3;
        long sum = d.tenants().values().stream().mapToLong(t -> t.limits().maxMemory()).sum();
        if (sum > forTenants) {
            throw new IllegalArgumentException("Tenant " + changed + ": the tenants' max-memory would add up to " + Sizes.format(sum)
                    + ", more than the " + Sizes.format(forTenants) + " this broker gives tenants (three quarters of memory.global-max-size "
                    + Sizes.format(global) + "); lower max-memory or raise memory.global-max-size on every node");
        }
        return d;
    }

    /**
     * Deletes a tenant and its users; its destinations go from every active broker. Refuses while this broker holds
     * messages of the tenant unless {@code force}; the CLI asks every broker first.
     */
    public String deleteTenant(String id, boolean force) throws Exception {
        serviceAdminOnly();
        Tenant tenant = store.snapshot().tenant(id).orElseThrow(() -> new IllegalArgumentException("No tenant " + id));
        long held = TenantBrokers.messageCounts(server, tenant).values().stream().mapToLong(Long::longValue).sum();
        if (held > 0 && !force) {
            throw new IllegalStateException("Tenant " + id + " holds " + held + " messages; delete them too with --force");
        }
        Directory after = store.update(d -> {
            if (d.tenant(id).isEmpty()) {
                throw new IllegalArgumentException("No tenant " + id);
            }
            return d.withoutTenant(id);
        });
        TenantBrokers.apply(server, after);
        return "{\"deleted\":\"" + id + "\",\"messages\":" + held + "}";
    }

    /** Every tenant with its limits and number of users, as a JSON array. */
    public String tenants() {
        serviceAdminOnly();
        Directory d = store.snapshot();
        JsonArrayBuilder all = JsonLoader.createArrayBuilder();
        d.tenants().values().stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(t -> all.add(tenantJson(d, t, false)));
        return all.build().toString();
    }

    /** One tenant: limits, users, and the messages this broker holds in each of its queues. */
    public String tenant(String id) {
        within(scope(), id);
        Directory d = store.snapshot();
        Tenant t = d.tenant(id).orElseThrow(() -> new IllegalArgumentException("No tenant " + id));
        return tenantJson(d, t, true).build().toString();
    }

    /** Adds a user to a tenant (or, with an empty tenant, to the whole service); {@code roles} is comma-separated. */
    public String addUser(String name, String tenant, String roles, String password) {
        within(scope(), tenant == null || tenant.isBlank() ? null : tenant);
        User user = User.create(User.checkName(name), tenant == null || tenant.isBlank() ? null : tenant, roleSet(roles), checkPassword(password));
        Directory after = store.update(d -> {
            if (d.user(name).isPresent()) {
                throw new IllegalArgumentException("User " + name + " already exists");
            }
            Tenant t = user.tenant() == null ? null : d.tenant(user.tenant()).orElse(null);
            if (t != null && d.usersOf(t.id()).size() >= t.limits().maxUsers()) {
                throw new IllegalArgumentException("Tenant " + t.id() + " has its " + t.limits().maxUsers() + " users (max-users); remove one or raise the limit");
            }
            return d.withUser(user);
        });
        TenantBrokers.apply(server, after);
        return userJson(user).build().toString();
    }

    public String removeUser(String name) {
        String scope = scope();
        Directory after = store.update(d -> {
            User u = d.user(name).orElseThrow(() -> new IllegalArgumentException("No user " + name));
            within(scope, u.tenant());
            if (u.isServiceAdmin() && d.users().values().stream().filter(User::isServiceAdmin).count() == 1) {
                throw new IllegalArgumentException("User " + name + " is the last admin; add another admin first");
            }
            return d.withoutUser(name);
        });
        TenantBrokers.apply(server, after);
        return "{\"removed\":\"" + name + "\"}";
    }

    public String setPassword(String name, String password) {
        String scope = scope();
        String hash = io.junction.security.PasswordHash.hash(checkPassword(password));
        store.update(d -> {
            User u = d.user(name).orElseThrow(() -> new IllegalArgumentException("No user " + name));
            within(scope, u.tenant());
            return d.withUser(u.withPasswordHash(hash));
        });
        return "{\"changed\":\"" + name + "\"}";
    }

    /** Users of one tenant, or all users when {@code tenant} is empty, as a JSON array (never a password hash). */
    public String users(String tenant) {
        String scope = scope();
        String which = scope != null && (tenant == null || tenant.isBlank()) ? scope : tenant;
        within(scope, which);
        Directory d = store.snapshot();
        if (which != null && !which.isBlank() && d.tenant(which).isEmpty()) {
            throw new IllegalArgumentException("No tenant " + which);
        }
        JsonArrayBuilder all = JsonLoader.createArrayBuilder();
        d.users().values().stream().filter(u -> which == null || which.isBlank() || which.equals(u.tenant()))
                .sorted((a, b) -> a.name().compareTo(b.name())).forEach(u -> all.add(userJson(u)));
        return all.build().toString();
    }

    /** The messages this broker holds in each queue of the tenant, as a JSON object. */
    public String tenantMessages(String id) {
        within(scope(), id);
        Tenant t = store.snapshot().tenant(id).orElseThrow(() -> new IllegalArgumentException("No tenant " + id));
        JsonObjectBuilder counts = JsonLoader.createObjectBuilder();
        TenantBrokers.messageCounts(server, t).forEach(counts::add);
        return counts.build().toString();
    }

    private JsonObjectBuilder tenantJson(Directory d, Tenant t, boolean details) {
        TenantLimits l = t.limits();
        JsonObjectBuilder limits = JsonLoader.createObjectBuilder()
                .add("max-memory", Sizes.format(l.maxMemory()))
                .add("max-disk", Sizes.format(l.maxDisk()))
                .add("on-full", l.onFull().word())
                .add("max-connections", l.maxConnections())
                .add("max-queues", l.maxQueues())
                .add("max-deliveries", l.maxDeliveries())
                .add("max-users", l.maxUsers())
                .add("max-devices", l.maxDevices());
        JsonObjectBuilder json = JsonLoader.createObjectBuilder().add("id", t.id()).add("name", t.name()).add("limits", limits)
                .add("users", d.usersOf(t.id()).size()).add("devices", d.devicesOf(t.id()).size());
        if (details) {
            JsonArrayBuilder users = JsonLoader.createArrayBuilder();
            d.usersOf(t.id()).forEach(u -> users.add(userJson(u)));
            json.add("userList", users);
            JsonObjectBuilder queues = JsonLoader.createObjectBuilder();
            Map<String, Long> counts = TenantBrokers.messageCounts(server, t);
            counts.forEach(queues::add);
            json.add("queues", queues);
        }
        return json;
    }

    private static JsonObjectBuilder userJson(User u) {
        JsonArrayBuilder roles = JsonLoader.createArrayBuilder();
        u.roles().stream().sorted().forEach(roles::add);
        return JsonLoader.createObjectBuilder().add("name", u.name()).add("tenant", u.tenant() == null ? "" : u.tenant()).add("roles", roles);
    }

    private static Set<String> roleSet(String roles) {
        Set<String> set = new LinkedHashSet<>(Arrays.asList((roles == null ? "" : roles).split(",")));
        set.removeIf(String::isBlank);
        return set;
    }

    private static char[] checkPassword(String password) {
        if (password == null || password.length() < 8) {
            throw new IllegalArgumentException("Password too short: use at least 8 characters");
        }
        return password.toCharArray();
    }
}
