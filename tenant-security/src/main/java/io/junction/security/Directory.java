package io.junction.security;

import io.junction.inventory.DeviceSpec;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every tenant, user and device of the service, as one immutable value: a change makes a new directory, which is
 * stored and applied whole. Its stored form is a properties text ({@link #encode}), the same in ZooKeeper (sealed) and
 * in each node's local copy (readable by its owner alone).
 */
public record Directory(Map<String, Tenant> tenants, Map<String, User> users, Set<String> deleted, Map<String, DeviceSpec> devices) {
    public static final Directory EMPTY = new Directory(Map.of(), Map.of(), Set.of(), Map.of());

    /**
     * @param deleted ids of tenants deleted and not created again: each node removes their destinations from its
     *        active brokers. A node whose copy of the directory is out of date never removes anything it merely does
     *        not know about yet.
     */
    public Directory {
        tenants = Map.copyOf(tenants);
        users = Map.copyOf(users);
        deleted = Set.copyOf(deleted);
        devices = Map.copyOf(devices);
    }

    /** A directory without devices. */
    public Directory(Map<String, Tenant> tenants, Map<String, User> users, Set<String> deleted) {
        this(tenants, users, deleted, Map.of());
    }

    public Optional<Tenant> tenant(String id) {
        return Optional.ofNullable(tenants.get(id));
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Users of {@code tenant}, or the service-wide users if it is null, in name order. */
    public java.util.List<User> usersOf(String tenant) {
        return new TreeMap<>(users).values().stream().filter(u -> java.util.Objects.equals(u.tenant(), tenant)).toList();
    }

    /** Adds a tenant, or replaces the one with its id. */
    public Directory withTenant(Tenant tenant) {
        Map<String, Tenant> next = new TreeMap<>(tenants);
        next.put(tenant.id(), tenant);
        Set<String> gone = new TreeSet<>(deleted);
        gone.remove(tenant.id());
        return new Directory(next, users, gone, devices);
    }

    /** Removes a tenant, its users and its devices. */
    public Directory withoutTenant(String id) {
        Map<String, Tenant> nextTenants = new TreeMap<>(tenants);
        nextTenants.remove(id);
        Map<String, User> nextUsers = new TreeMap<>(users);
        nextUsers.values().removeIf(u -> id.equals(u.tenant()));
        Set<String> gone = new TreeSet<>(deleted);
        gone.add(id);
        Map<String, DeviceSpec> nextDevices = new TreeMap<>(devices);
        nextDevices.values().removeIf(d -> id.equals(d.tenant()));
        return new Directory(nextTenants, nextUsers, gone, nextDevices);
    }

    /** Adds a user, or replaces the one with its name; its tenant must exist. */
    public Directory withUser(User user) {
        if (user.tenant() != null && !tenants.containsKey(user.tenant())) {
            throw new IllegalArgumentException("No tenant " + user.tenant() + ": create it first with junction tenant create " + user.tenant());
        }
        Map<String, User> next = new TreeMap<>(users);
        next.put(user.name(), user);
        return new Directory(tenants, next, deleted, devices);
    }

    public Directory withoutUser(String name) {
        Map<String, User> next = new TreeMap<>(users);
        next.remove(name);
        return new Directory(tenants, next, deleted, devices);
    }

    /** The devices of {@code tenant}, in name order. */
    public java.util.List<DeviceSpec> devicesOf(String tenant) {
        return new TreeMap<>(devices).values().stream().filter(d -> d.tenant().equals(tenant)).toList();
    }

    public Optional<DeviceSpec> device(String tenant, String name) {
        return Optional.ofNullable(devices.get(tenant + "/" + name));
    }

    /**
     * Adds devices to their tenant, or replaces those with their names: all of them or none. The tenant must exist,
     * no two devices of it may share a site, address and port, and it may hold at most its {@code max-devices}.
     */
    public Directory withDevices(java.util.Collection<DeviceSpec> added) {
        Map<String, DeviceSpec> next = new TreeMap<>(devices);
        for (DeviceSpec d : added) {
            if (!tenants.containsKey(d.tenant())) {
                throw new IllegalArgumentException("No tenant " + d.tenant());
            }
            next.put(d.tenant() + "/" + d.name(), d);
        }
        Map<String, String> identities = new java.util.HashMap<>();
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (DeviceSpec d : next.values()) {
            String other = identities.putIfAbsent(d.identity(), d.name());
            if (other != null) {
                throw new IllegalArgumentException("Device " + d.name() + " would have the address " + d.get("address") + ":" + d.get("port")
                        + " of device " + other + " in site " + d.site() + " of tenant " + d.tenant() + ": one device has one address in a site");
            }
            counts.merge(d.tenant(), 1, Integer::sum);
        }
        for (DeviceSpec d : added) {
            int limit = tenants.get(d.tenant()).limits().maxDevices();
            if (counts.get(d.tenant()) > limit) {
                throw new IllegalArgumentException("Tenant " + d.tenant() + " would have " + counts.get(d.tenant()) + " devices; its max-devices is "
                        + limit + ": remove some or raise the limit");
            }
        }
        return new Directory(tenants, users, deleted, next);
    }

    public Directory withoutDevice(String tenant, String name) {
        Map<String, DeviceSpec> next = new TreeMap<>(devices);
        if (next.remove(tenant + "/" + name) == null) {
            throw new IllegalArgumentException("No device " + name + " in tenant " + tenant);
        }
        return new Directory(tenants, users, deleted, next);
    }

    /** The stored form: a comment line, then one sorted {@code key=value} line per field. */
    public String encode() {
        Map<String, String> lines = new TreeMap<>();
        tenants.values().forEach(t -> {
            String k = "tenant." + t.id() + ".";
            TenantLimits l = t.limits();
            lines.put(k + "name", t.name());
            lines.put(k + "max-memory", String.valueOf(l.maxMemory()));
            lines.put(k + "max-disk", String.valueOf(l.maxDisk()));
            lines.put(k + "on-full", l.onFull().word());
            lines.put(k + "max-connections", String.valueOf(l.maxConnections()));
            lines.put(k + "max-queues", String.valueOf(l.maxQueues()));
            lines.put(k + "max-deliveries", String.valueOf(l.maxDeliveries()));
            lines.put(k + "max-users", String.valueOf(l.maxUsers()));
            lines.put(k + "max-devices", String.valueOf(l.maxDevices()));
        });
        // a device's fields that differ from their defaults: thousands of devices must fit one ZooKeeper node
        devices.values().forEach(d -> {
            String k = "device." + d.tenant() + "." + d.name() + ".";
            DeviceSpec.defaultsOmitted(d).forEach((field, value) -> lines.put(k + field, value));
        });
        users.values().forEach(u -> {
            String k = "user." + u.name() + ".";
            if (u.tenant() != null) {
                lines.put(k + "tenant", u.tenant());
            }
            lines.put(k + "roles", String.join(",", new TreeSet<>(u.roles())));
            lines.put(k + "password", u.passwordHash());
        });
        deleted.forEach(id -> lines.put("deleted." + id, "true"));
        StringBuilder text = new StringBuilder("# Junction tenants and users. Change them with the junction CLI, not by hand.\n");
        lines.forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
        return text.toString();
    }

    /** Parses {@link #encode}'s form; {@code source} names where it came from in errors. */
    public static Directory decode(String text, String source) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("Cannot read " + source + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, String>> tenantFields = new TreeMap<>();
        Map<String, Map<String, String>> userFields = new TreeMap<>();
        Map<String, Map<String, String>> deviceFields = new TreeMap<>();
        Set<String> deleted = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("deleted.")) {
                deleted.add(key.substring("deleted.".length()));
                continue;
            }
            int last = key.lastIndexOf('.');
            if (key.startsWith("device.")) {
                // device.TENANT.NAME.FIELD: a tenant id has no dot, a device name may
                int first = key.indexOf('.', "device.".length());
                if (first < 0 || last <= first) {
                    throw new IllegalStateException(source + " has an unknown key " + key);
                }
                deviceFields.computeIfAbsent(key.substring("device.".length(), last), k -> new TreeMap<>()).put(key.substring(last + 1), props.getProperty(key));
                continue;
            }
            Map<String, Map<String, String>> into = key.startsWith("tenant.") ? tenantFields : key.startsWith("user.") ? userFields : null;
            if (into == null || last <= key.indexOf('.')) {
                throw new IllegalStateException(source + " has an unknown key " + key);
            }
            into.computeIfAbsent(key.substring(key.indexOf('.') + 1, last), k -> new TreeMap<>()).put(key.substring(last + 1), props.getProperty(key));
        }
        Map<String, Tenant> tenants = new TreeMap<>();
        Map<String, User> users = new TreeMap<>();
        Map<String, DeviceSpec> devices = new TreeMap<>();
        try {
            tenantFields.forEach((id, f) -> tenants.put(id, new Tenant(id, f.get("name"), new TenantLimits(
                    number(f, "max-memory"), number(f, "max-disk"), TenantLimits.Full.parse(f.get("on-full")),
                    (int) number(f, "max-connections"), (int) number(f, "max-queues"), (int) number(f, "max-deliveries"),
                    // written by every version since max-users came; before it, the default
                    f.containsKey("max-users") ? (int) number(f, "max-users") : TenantLimits.DEFAULTS.maxUsers(),
                    f.containsKey("max-devices") ? (int) number(f, "max-devices") : TenantLimits.DEFAULTS.maxDevices()))));
            userFields.forEach((name, f) -> {
                Set<String> roles = new LinkedHashSet<>(Arrays.asList(f.getOrDefault("roles", "").split(",")));
                roles.removeIf(String::isBlank);
                String hash = f.get("password");
                if (hash == null) {
                    throw new IllegalArgumentException("user " + name + " has no password");
                }
                users.put(name, new User(name, f.get("tenant"), roles, hash));
            });
            deviceFields.forEach((key, f) -> {
                String tenant = key.substring(0, key.indexOf('.'));
                DeviceSpec d = new DeviceSpec(tenant, f);
                devices.put(tenant + "/" + d.name(), d);
            });
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + ": " + e.getMessage(), e);
        }
        return new Directory(tenants, users, deleted, devices);
    }

    private static long number(Map<String, String> fields, String key) {
        String v = fields.get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + key + " '" + v + "'");
        }
    }

    /** Escapes a value the way {@link Properties#load} reads it back. */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
