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
 * management (resource {@value TenantBrokers#RESOURCE}), which only the service's admin may use. Each change goes
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

    /** Creates a tenant; {@code limits} is {@code key=value,...} over the defaults. Returns the tenant as JSON. */
    public String createTenant(String id, String name, String limits) {
        Tenant tenant = new Tenant(Tenant.checkId(id), name, TenantLimits.DEFAULTS.with(limits));
        Directory after = store.update(d -> {
            if (d.tenant(id).isPresent()) {
                throw new IllegalArgumentException("Tenant " + id + " already exists");
            }
            return d.withTenant(tenant);
        });
        TenantBrokers.apply(server, after);
        return tenantJson(after, after.tenant(id).orElseThrow(), false).build().toString();
    }

    /** Changes a tenant's name (unless empty) and the limits named in {@code limits}. */
    public String updateTenant(String id, String name, String limits) {
        Directory after = store.update(d -> {
            Tenant t = d.tenant(id).orElseThrow(() -> new IllegalArgumentException("No tenant " + id));
            return d.withTenant(new Tenant(id, name == null || name.isBlank() ? t.name() : name, t.limits().with(limits)));
        });
        TenantBrokers.apply(server, after);
        return tenantJson(after, after.tenant(id).orElseThrow(), false).build().toString();
    }

    /**
     * Deletes a tenant and its users; its destinations go from every active broker. Refuses while this broker holds
     * messages of the tenant unless {@code force}; the CLI asks every broker first.
     */
    public String deleteTenant(String id, boolean force) throws Exception {
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
        Directory d = store.snapshot();
        JsonArrayBuilder all = JsonLoader.createArrayBuilder();
        d.tenants().values().stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(t -> all.add(tenantJson(d, t, false)));
        return all.build().toString();
    }

    /** One tenant: limits, users, and the messages this broker holds in each of its queues. */
    public String tenant(String id) {
        Directory d = store.snapshot();
        Tenant t = d.tenant(id).orElseThrow(() -> new IllegalArgumentException("No tenant " + id));
        return tenantJson(d, t, true).build().toString();
    }

    /** Adds a user to a tenant (or, with an empty tenant, to the whole service); {@code roles} is comma-separated. */
    public String addUser(String name, String tenant, String roles, String password) {
        User user = User.create(User.checkName(name), tenant == null || tenant.isBlank() ? null : tenant, roleSet(roles), checkPassword(password));
        Directory after = store.update(d -> {
            if (d.user(name).isPresent()) {
                throw new IllegalArgumentException("User " + name + " already exists");
            }
            return d.withUser(user);
        });
        TenantBrokers.apply(server, after);
        return userJson(user).build().toString();
    }

    public String removeUser(String name) {
        Directory after = store.update(d -> {
            User u = d.user(name).orElseThrow(() -> new IllegalArgumentException("No user " + name));
            if (u.isServiceAdmin() && d.users().values().stream().filter(User::isServiceAdmin).count() == 1) {
                throw new IllegalArgumentException("User " + name + " is the last admin; add another admin first");
            }
            return d.withoutUser(name);
        });
        TenantBrokers.apply(server, after);
        return "{\"removed\":\"" + name + "\"}";
    }

    public String setPassword(String name, String password) {
        String hash = io.junction.security.PasswordHash.hash(checkPassword(password));
        store.update(d -> d.withUser(d.user(name).orElseThrow(() -> new IllegalArgumentException("No user " + name)).withPasswordHash(hash)));
        return "{\"changed\":\"" + name + "\"}";
    }

    /** Users of one tenant, or all users when {@code tenant} is empty, as a JSON array (never a password hash). */
    public String users(String tenant) {
        Directory d = store.snapshot();
        if (tenant != null && !tenant.isBlank() && d.tenant(tenant).isEmpty()) {
            throw new IllegalArgumentException("No tenant " + tenant);
        }
        JsonArrayBuilder all = JsonLoader.createArrayBuilder();
        d.users().values().stream().filter(u -> tenant == null || tenant.isBlank() || tenant.equals(u.tenant()))
                .sorted((a, b) -> a.name().compareTo(b.name())).forEach(u -> all.add(userJson(u)));
        return all.build().toString();
    }

    /** The messages this broker holds in each queue of the tenant, as a JSON object. */
    public String tenantMessages(String id) {
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
                .add("max-deliveries", l.maxDeliveries());
        JsonObjectBuilder json = JsonLoader.createObjectBuilder().add("id", t.id()).add("name", t.name()).add("limits", limits)
                .add("users", d.usersOf(t.id()).size());
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
