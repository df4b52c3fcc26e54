package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.Credentials;
import io.junction.client.Json;
import io.junction.client.ManagementClient;
import io.junction.inventory.DeviceCsv;
import io.junction.inventory.DeviceSpec;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "device", mixinStandardHelpOptions = true, header = "Add, change, list, import and export a tenant's devices.",
        description = {"A device belongs to one tenant and one site, has a name unique in its tenant, and is one device per site, address and",
                "port: two tenants, or two sites of one tenant, may each have a 10.0.0.1. The inventory is stored once for the cluster.",
                "A device's community and passwords are read from a prompt or from standard input (one per line: the community for",
                "SNMPv1 and v2c; the auth password, then the priv password, for v3), never from the command line, and no command",
                "prints them back: list, show and export show " + DeviceSpec.HIDDEN + " where one is set.",
                "A tenant's admin manages its own devices; the service's admin every tenant's; the service's operator reads them."},
        subcommands = {DeviceCommand.Add.class, DeviceCommand.Update.class, DeviceCommand.Remove.class, DeviceCommand.ListDevices.class,
                DeviceCommand.Show.class, DeviceCommand.Import.class, DeviceCommand.Export.class})
final class DeviceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs one inventory operation on the broker the options reach and returns its result. */
    static String inventory(ClientOptions client, String operation, Object... args) {
        try (Credentials.Open c = client.connect(); Management management = new Management(c)) {
            return management.invoke(ManagementClient.INVENTORY, operation, args);
        } catch (JMSException e) {
            throw CliFailure.failure("Cannot reach the broker: " + ClientErrors.rootMessage(e));
        }
    }

    /** What every device command but export takes: the tenant, where and as whom to connect, how to print. */
    abstract static class OnTenant implements Callable<Integer> {
        @Mixin
        TenantOption owner;
        @Mixin
        ClientOptions client;
        @Mixin
        OutputOptions output;
    }

    /** A command on one device of the tenant. */
    abstract static class OnDevice extends OnTenant {
        @Parameters(paramLabel = "NAME")
        String name;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, header = "Add a device.",
            footer = {"", "Examples:", "  printf '%s\\n' \"$COMMUNITY\" | junction device add --tenant acme --site hq --address 10.0.0.1 core-1",
                    "  printf '%s\\n%s\\n' \"$AUTH\" \"$PRIV\" | junction device add --tenant acme --site hq --address 10.0.0.2 --snmp-version 3 \\",
                    "      --snmp-user poller --auth SHA-256 --priv AES edge-1"})
    static final class Add extends OnDevice {
        @ArgGroup(exclusive = false)
        DeviceFields fields = new DeviceFields();

        @Override
        public Integer call() {
            String tenant = owner.id();
            Map<String, String> f = fields.map();
            f.put("name", name);
            for (String required : List.of("site", "address")) {
                if (!f.containsKey(required)) {
                    throw CliFailure.usage("Missing required option '--" + required + "'");
                }
            }
            DeviceFields.readSecrets(f, name);
            try {
                new DeviceSpec(tenant, f);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(e.getMessage());
            }
            JsonObject d = JsonLoader.readObject(new StringReader(inventory(client, "addDevice", tenant, Json.write(f))));
            output.result("added device " + name + " to tenant " + tenant + " (" + d.getString("site") + ", " + d.getString("address") + ":"
                    + d.getString("port") + ", SNMPv" + d.getString("version") + ")", DeviceFields.shown(d));
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, header = "Change a device's fields; those not given keep their value.")
    static final class Update extends OnDevice {
        @Option(names = "--secrets", description = "Read the device's community or passwords again (prompt or standard input).")
        boolean secrets;
        @ArgGroup(exclusive = false)
        DeviceFields fields = new DeviceFields();

        @Override
        public Integer call() {
            String tenant = owner.id();
            Map<String, String> f = fields.map();
            if (secrets) {
                JsonObject before = JsonLoader.readObject(new StringReader(inventory(client, "device", tenant, name)));
                Map<String, String> merged = new LinkedHashMap<>();
                DeviceFields.shown(before).forEach((k, v) -> merged.put(k, String.valueOf(v)));
                merged.putAll(f);
                DeviceFields.readSecrets(merged, name);
                DeviceSpec.SECRETS.forEach(s -> {
                    if (merged.containsKey(s)) {
                        f.put(s, merged.get(s));
                    }
                });
            }
            if (f.isEmpty()) {
                throw CliFailure.usage("Nothing to change: give the fields to change, or --secrets");
            }
            JsonObject d = JsonLoader.readObject(new StringReader(inventory(client, "updateDevice", tenant, name, Json.write(f))));
            output.result("updated device " + name + " of tenant " + tenant, DeviceFields.shown(d));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, header = "Remove a device.")
    static final class Remove extends OnDevice {
        @Override
        public Integer call() {
            String tenant = owner.id();
            inventory(client, "removeDevice", tenant, name);
            output.result("removed device " + name + " from tenant " + tenant, Map.of("removed", name, "tenant", tenant));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, header = "List a tenant's devices, of one site or all.")
    static final class ListDevices extends OnTenant {
        @Option(names = "--site", paramLabel = "SITE", description = "Only this site's devices.")
        String site;

        @Override
        public Integer call() {
            String tenant = owner.id();
            List<List<Object>> rows = new ArrayList<>();
            for (JsonValue v : JsonLoader.readArray(new StringReader(inventory(client, "devices", tenant, site == null ? "" : site)))) {
                JsonObject d = v.asJsonObject();
                rows.add(List.of(d.getString("name"), d.getString("site"), d.getString("address") + ":" + d.getString("port"), "v" + d.getString("version"),
                        d.getString("profiles"), d.getString("interval")));
            }
            output.table(List.of("DEVICE", "SITE", "ADDRESS", "SNMP", "PROFILES", "INTERVAL"), List.of("name", "site", "address", "snmp", "profiles", "interval"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, header = "Show every field of a device (its secrets as " + DeviceSpec.HIDDEN + ").")
    static final class Show extends OnDevice {
        @Override
        public Integer call() {
            String tenant = owner.id();
            Map<String, Object> d = DeviceFields.shown(JsonLoader.readObject(new StringReader(inventory(client, "device", tenant, name))));
            StringBuilder human = new StringBuilder();
            d.forEach((k, v) -> human.append(String.format("%-18s%s%n", k + ":", v)));
            output.result(human.toString().stripTrailing(), d);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, header = "Add or update every device of a CSV file at once: all of them, or none.",
            description = {"The first line names the columns: name, site and address, and any of port, version, community, user, auth,",
                    "auth-password, priv, priv-password, profiles, interval, timeout, retries, max-repetitions, oids-per-request, in-flight, bulk.",
                    "An empty cell takes the default. A device already there is updated; a secret given as " + DeviceSpec.HIDDEN + " (as export writes",
                    "it) keeps its value. A bad row is named by its line and nothing is imported."})
    static final class Import extends OnTenant {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            String tenant = owner.id();
            String csv;
            try {
                csv = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CliFailure.failure("Cannot read " + file + ": " + e.getMessage());
            }
            try {
                DeviceCsv.rows(csv);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(file + ": " + e.getMessage() + "; nothing was imported");
            }
            JsonObject r = JsonLoader.readObject(new StringReader(inventory(client, "importDevices", tenant, csv)));
            output.result("imported " + r.getInt("imported") + " devices into tenant " + tenant + " (" + r.getInt("added") + " added, "
                    + r.getInt("updated") + " updated)", Map.of("imported", r.getInt("imported"), "added", r.getInt("added"), "updated", r.getInt("updated")));
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, header = "Write a tenant's devices as CSV, secrets as " + DeviceSpec.HIDDEN + ".")
    static final class Export implements Callable<Integer> {
        @Mixin
        TenantOption owner;
        @Mixin
        ClientOptions client;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String tenant = owner.id();
            spec.commandLine().getOut().print(inventory(client, "exportDevices", tenant));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
