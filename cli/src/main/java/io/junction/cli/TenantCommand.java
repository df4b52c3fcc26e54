package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.security.Tenant;
import io.junction.tenant.TenantBrokers;
import jakarta.jms.JMSException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tenant", mixinStandardHelpOptions = true, header = "Create, inspect, change and delete tenants.",
        description = {"A tenant's data lives under tenant.ID.* (MQTT: tenant/ID/...); it is created with tenant.ID.metrics, .events, .alerts,",
                ".dlq and .expiry. Changes go to every node of a cluster. The service's admin runs these commands; a tenant's admin may",
                "only show its own tenant.",
                "See docs/destinations.md."},
        subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class, TenantCommand.Show.class, TenantCommand.Update.class,
                TenantCommand.Delete.class})
final class TenantCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String checkId(String id) {
        try {
            return Tenant.checkId(id);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
    }

    /** Runs one directory operation on the broker the options reach and returns its JSON result. */
    static String call(ClientOptions client, String operation, Object... args) {
        try (Credentials.Open c = client.connect(); Management management = new Management(c)) {
            return management.invoke(TenantBrokers.RESOURCE, operation, args);
        } catch (JMSException e) {
            throw CliFailure.failure("Cannot reach the broker: " + ClientErrors.rootMessage(e));
        }
    }

    /**
     * The messages each queue of the tenant holds, summed over every broker the URL lists that answers (in a cluster,
     * the active broker of each group; a passive backup does not accept connections).
     */
    static Map<String, Long> messages(ClientOptions client, String id) {
        Map<String, Long> counts = new TreeMap<>();
        int answered = 0;
        String last = null;
        for (String broker : ClientUrls.brokers(client.resolvedUrl())) {
            try (Credentials.Open c = client.connect(broker); Management management = new Management(c)) {
                JsonObject held = JsonLoader.readObject(new StringReader(management.invoke(TenantBrokers.RESOURCE, "tenantMessages", id)));
                held.forEach((queue, n) -> counts.merge(queue, Long.parseLong(n.toString()), Long::sum));
                answered++;
            } catch (CliFailure | JMSException e) {
                last = e.getMessage();
            }
        }
        if (answered == 0) {
            throw CliFailure.failure("No broker answered for the message counts of tenant " + id + (last == null ? "" : ": " + last));
        }
        return counts;
    }

    static Map<String, Object> describe(JsonObject t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.getString("id"));
        m.put("name", t.getString("name"));
        Map<String, Object> limits = new LinkedHashMap<>();
        t.getJsonObject("limits").forEach((k, v) -> limits.put(k, v.getValueType() == JsonValue.ValueType.STRING ? ((org.apache.activemq.artemis.json.JsonString) v).getString() : Long.parseLong(v.toString())));
        m.put("limits", limits);
        m.put("users", t.getInt("users"));
        m.put("devices", t.getInt("devices", 0));
        return m;
    }

    static String limitsLine(Map<?, ?> limits) {
        List<String> parts = new ArrayList<>();
        limits.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, header = "Create a tenant and its destinations.",
            footer = {"", "Examples:", "  junction tenant create acme --name 'Acme Networks'", "  junction tenant create acme --max-disk 5GiB --on-full block"})
    static final class Create implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "1 to 32 lowercase letters, digits and '-'.")
        String id;

        @Mixin
        TenantLimitOptions limits;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            checkId(id);
            String assignments = limits.assignments();
            JsonObject t = JsonLoader.readObject(new StringReader(TenantCommand.call(client, "createTenant", id, limits.name, assignments)));
            Map<String, Object> m = describe(t);
            output.result("created tenant " + id + " (" + m.get("name") + ") with " + String.join(", ", new Tenant(id, null,
                    io.junction.security.TenantLimits.DEFAULTS).addresses()) + "; limits: " + limitsLine((Map<?, ?>) m.get("limits")), m);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, header = "List the tenants with their limits.")
    static final class ListTenants implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            JsonArray all = JsonLoader.readArray(new StringReader(TenantCommand.call(client, "tenants")));
            List<List<Object>> rows = new ArrayList<>();
            for (JsonValue v : all) {
                Map<String, Object> t = describe(v.asJsonObject());
                Map<?, ?> l = (Map<?, ?>) t.get("limits");
                rows.add(List.of(t.get("id"), t.get("name"), t.get("users"), t.getOrDefault("devices", 0), l.get("max-memory"), l.get("max-disk"),
                        l.get("on-full"), l.get("max-connections"), l.get("max-queues"), l.get("max-deliveries"), l.get("max-users"), l.get("max-devices")));
            }
            output.table(List.of("ID", "NAME", "USERS", "DEVICES", "MAX-MEMORY", "MAX-DISK", "ON-FULL", "MAX-CONNECTIONS", "MAX-QUEUES", "MAX-DELIVERIES",
                    "MAX-USERS", "MAX-DEVICES"), List.of("id", "name", "users", "devices", "maxMemory", "maxDisk", "onFull", "maxConnections", "maxQueues",
                    "maxDeliveries", "maxUsers", "maxDevices"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, header = "Show a tenant: limits, users, and the messages in each of its queues.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            checkId(id);
            JsonObject t = JsonLoader.readObject(new StringReader(TenantCommand.call(client, "tenant", id)));
            Map<String, Object> m = describe(t);
            List<Map<String, Object>> users = new ArrayList<>();
            for (JsonValue v : t.getJsonArray("userList")) {
                JsonObject u = v.asJsonObject();
                List<String> roles = u.getJsonArray("roles").stream().map(r -> ((org.apache.activemq.artemis.json.JsonString) r).getString()).toList();
                users.add(Map.of("name", u.getString("name"), "roles", roles));
            }
            m.put("userList", users);
            Map<String, Long> queues = messages(client, id);
            m.put("queues", queues);
            if (output.json) {
                output.result("", m);
                return 0;
            }
            var out = spec.commandLine().getOut();
            out.println("tenant " + id + " (" + m.get("name") + ")");
            out.println("limits: " + limitsLine((Map<?, ?>) m.get("limits")));
            out.println("users: " + (users.isEmpty() ? "none" : String.join(", ", users.stream().map(u -> u.get("name") + " " + u.get("roles")).toList())));
            out.println("devices: " + m.get("devices") + (Integer.valueOf(0).equals(m.get("devices")) ? "" : " (junction device list --tenant " + id + ")"));
            out.flush();
            List<List<Object>> rows = new ArrayList<>();
            queues.forEach((q, n) -> rows.add(List.of(q, n)));
            output.table(List.of("QUEUE", "MESSAGES"), List.of("queue", "messages"), rows);
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, header = "Change a tenant's name or limits; options not given keep their value.",
            footer = {"", "Example:", "  junction tenant update acme --max-connections 20"})
    static final class Update implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @Mixin
        TenantLimitOptions limits;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            checkId(id);
            String assignments = limits.assignments();
            if (assignments.isEmpty() && limits.name == null) {
                throw CliFailure.usage("Nothing to change: give --name or a limit option (see junction tenant update --help)");
            }
            Map<String, Object> m = describe(JsonLoader.readObject(new StringReader(TenantCommand.call(client, "updateTenant", id,
                    limits.name == null ? "" : limits.name, assignments))));
            output.result("updated tenant " + id + "; limits: " + limitsLine((Map<?, ?>) m.get("limits")), m);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, header = "Delete a tenant, its users and its destinations.",
            description = "Refuses while the tenant's queues hold messages on any broker, unless --force.")
    static final class Delete implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--force", description = "Delete the tenant's messages too.")
        boolean force;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            checkId(id);
            long held = messages(client, id).values().stream().mapToLong(Long::longValue).sum();
            if (held > 0 && !force) {
                throw CliFailure.failure("Tenant " + id + " holds " + held + " messages; nothing was deleted (use --force to delete them too)");
            }
            TenantCommand.call(client, "deleteTenant", id, force);
            output.result("deleted tenant " + id + (held > 0 ? " and its " + held + " messages" : ""), Map.of("deleted", id, "messages", held));
            return 0;
        }
    }
}
