package io.junction.tenant;

import io.junction.inventory.DeviceCsv;
import io.junction.inventory.DeviceSpec;
import io.junction.security.Directory;
import io.junction.security.DirectoryStore;
import io.junction.security.User;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.json.JsonArrayBuilder;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonObjectBuilder;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * The device operations of {@code junction device}, invoked through Artemis management (resource
 * {@code junction.inventory}). The inventory is part of the directory: stored once for the cluster (sealed in
 * ZooKeeper), changed whole or not at all. A tenant's admin manages its own tenant's devices, the service's admin
 * every tenant's; the service's operator reads them. No operation answers with a device's community or passwords,
 * except {@link #siteDevices}, which only a poller of the device's tenant may call: it polls with them.
 */
public final class InventoryResource {
    private final DirectoryStore store;

    InventoryResource(DirectoryStore store) {
        this.store = store;
    }

    private User caller() {
        String name = ManagementCaller.current();
        User caller = name == null ? null : store.snapshot().user(name).orElse(null);
        if (caller == null) {
            throw new SecurityException("User " + name + " may not call the inventory");
        }
        return caller;
    }

    /** The caller may change {@code tenant}'s devices: its admin, or the service's admin. */
    private void mayChange(String tenant) {
        User u = caller();
        boolean tenantAdmin = tenant.equals(u.tenant()) && u.roles().contains(User.ADMIN);
        if (!u.isServiceAdmin() && !tenantAdmin) {
            throw new SecurityException("User " + u.name() + " may not change the devices of tenant " + tenant);
        }
        if (store.snapshot().tenant(tenant).isEmpty()) {
            throw new IllegalArgumentException("No tenant " + tenant);
        }
    }

    /** The caller may read {@code tenant}'s devices (without secrets): who may change them, and the service's operator. */
    private void mayRead(String tenant) {
        User u = caller();
        if (u.tenant() == null && u.roles().contains(User.OPERATOR)) {
            if (store.snapshot().tenant(tenant).isEmpty()) {
                throw new IllegalArgumentException("No tenant " + tenant);
            }
            return;
        }
        mayChange(tenant);
    }

    /** Adds a device; {@code fields} is a JSON object of its fields ({@link DeviceSpec#FIELDS}). Returns it, without secrets. */
    public String addDevice(String tenant, String fields) {
        mayChange(tenant);
        DeviceSpec device = new DeviceSpec(tenant, fields(fields));
        store.update(d -> {
            if (d.device(tenant, device.name()).isPresent()) {
                throw new IllegalArgumentException("Device " + device.name() + " already exists in tenant " + tenant + ": use junction device update");
            }
            return d.withDevices(List.of(device));
        });
        return json(device).build().toString();
    }

    /** Changes the fields named in {@code fields} (an empty value restores a default); the others keep their value. */
    public String updateDevice(String tenant, String name, String fields) {
        mayChange(tenant);
        Map<String, String> changes = fields(fields);
        if (changes.containsKey("name") && !changes.get("name").equals(name)) {
            throw new IllegalArgumentException("A device keeps its name: remove it and add it under the new one");
        }
        Directory after = store.update(d -> {
            DeviceSpec before = d.device(tenant, name).orElseThrow(() -> new IllegalArgumentException("No device " + name + " in tenant " + tenant));
            return d.withDevices(List.of(before.with(changes)));
        });
        return json(after.device(tenant, name).orElseThrow()).build().toString();
    }

    public String removeDevice(String tenant, String name) {
        mayChange(tenant);
        store.update(d -> d.withoutDevice(tenant, name));
        return JsonLoader.createObjectBuilder().add("removed", name).build().toString();
    }

    /** The devices of a tenant, of one site or (with an empty site) all, as a JSON array without secrets. */
    public String devices(String tenant, String site) {
        mayRead(tenant);
        JsonArrayBuilder all = JsonLoader.createArrayBuilder();
        store.snapshot().devicesOf(tenant).stream().filter(d -> site == null || site.isBlank() || d.site().equals(site)).forEach(d -> all.add(json(d)));
        return all.build().toString();
    }

    /**
     * Each site with its number of devices, as {@code [{"tenant", "site", "devices"}]}: of {@code tenant}, or of every
     * tenant when it is empty (the service's admin and operator only).
     */
    public String sites(String tenant) {
        List<String> tenants;
        if (tenant == null || tenant.isBlank()) {
            User u = caller();
            if (!u.isServiceAdmin() && !(u.tenant() == null && u.roles().contains(User.OPERATOR))) {
                throw new SecurityException("User " + u.name() + " may read the sites of its own tenant only: name it");
            }
            tenants = store.snapshot().tenants().keySet().stream().sorted().toList();
        } else {
            mayRead(tenant);
            tenants = List.of(tenant);
        }
        JsonArrayBuilder all = JsonLoader.createArrayBuilder();
        Directory d = store.snapshot();
        for (String t : tenants) {
            Map<String, Integer> bySite = new java.util.TreeMap<>();
            d.devicesOf(t).forEach(device -> bySite.merge(device.site(), 1, Integer::sum));
            bySite.forEach((site, n) -> all.add(JsonLoader.createObjectBuilder().add("tenant", t).add("site", site).add("devices", n)));
        }
        return all.build().toString();
    }

    public String device(String tenant, String name) {
        mayRead(tenant);
        return json(store.snapshot().device(tenant, name).orElseThrow(() -> new IllegalArgumentException("No device " + name + " in tenant " + tenant)))
                .build().toString();
    }

    /**
     * Adds or updates every device of a CSV text ({@link DeviceCsv}) at once: a bad row refuses the whole file, naming
     * its line, and nothing is changed. A row is the whole device (an empty cell takes the default), except that a
     * secret given as {@value DeviceSpec#HIDDEN} (an export's) keeps the stored one.
     */
    public String importDevices(String tenant, String csv) {
        mayChange(tenant);
        DeviceCsv.rows(csv == null ? "" : csv);
        int[] counts = new int[2];
        store.update(d -> {
            counts[0] = 0;
            counts[1] = 0;
            // a row is the whole device: an empty cell takes the default; only a hidden secret keeps the stored one
            List<DeviceSpec> merged = DeviceCsv.read(tenant, csv, row -> d.device(tenant, row.getOrDefault("name", "")).map(before -> {
                Map<String, String> whole = new LinkedHashMap<>(row);
                DeviceSpec.SECRETS.stream().filter(secret -> DeviceSpec.HIDDEN.equals(row.get(secret))).forEach(secret -> whole.put(secret, before.get(secret)));
                DeviceSpec after = new DeviceSpec(tenant, whole);
                counts[1]++;
                return after;
            }).orElseGet(() -> {
                if (DeviceSpec.SECRETS.stream().anyMatch(s -> DeviceSpec.HIDDEN.equals(row.get(s)))) {
                    throw new IllegalArgumentException("device " + row.get("name") + " is new: its secrets cannot be " + DeviceSpec.HIDDEN);
                }
                counts[0]++;
                return new DeviceSpec(tenant, row);
            }));
            return d.withDevices(merged);
        });
        return JsonLoader.createObjectBuilder().add("imported", counts[0] + counts[1]).add("added", counts[0]).add("updated", counts[1]).build().toString();
    }

    /** The tenant's devices as CSV, the secrets as {@value DeviceSpec#HIDDEN}: an import of it changes nothing. */
    public String exportDevices(String tenant) {
        mayRead(tenant);
        return DeviceCsv.write(store.snapshot().devicesOf(tenant), false);
    }

    /**
     * The devices of one site of the caller's tenant with every field, secrets included: what a poller polls. Only a
     * poller of that tenant may call it.
     */
    public String siteDevices(String tenant, String site) {
        User u = caller();
        if (!tenant.equals(u.tenant()) || !u.roles().contains(User.POLLER)) {
            throw new SecurityException("Only a poller of tenant " + tenant + " reads its devices' credentials");
        }
        JsonArrayBuilder all = JsonLoader.createArrayBuilder();
        store.snapshot().devicesOf(tenant).stream().filter(d -> d.site().equals(site)).forEach(d -> {
            JsonObjectBuilder o = JsonLoader.createObjectBuilder();
            d.fields(true).forEach(o::add);
            all.add(o);
        });
        return all.build().toString();
    }

    private static Map<String, String> fields(String json) {
        JsonObject o;
        try {
            o = JsonLoader.readObject(new StringReader(json == null ? "{}" : json));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The device fields are not a JSON object: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        o.forEach((k, v) -> out.put(k, v.getValueType() == JsonValue.ValueType.STRING ? o.getString(k) : v.toString()));
        return out;
    }

    private static JsonObjectBuilder json(DeviceSpec d) {
        JsonObjectBuilder o = JsonLoader.createObjectBuilder().add("tenant", d.tenant());
        d.fields(false).forEach(o::add);
        return o;
    }
}
