package io.junction.cli;

import io.junction.security.User;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonString;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "user", mixinStandardHelpOptions = true, header = "Add, list and remove users, and change their passwords.",
        description = {"A tenant's user is a producer (send only), a consumer (consume and browse) or an admin of that tenant.",
                "A user without a tenant is an operator (reads every tenant's metrics, events and alerts) or an admin of the service.",
                "The service's admin manages every user; a tenant's admin manages its own tenant's users.",
                "Passwords come from a prompt or the first line of standard input, never from the command line."},
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Passwd.class, UserCommand.Remove.class})
final class UserCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String checkName(String name) {
        try {
            return User.checkName(name);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
    }

    static List<String> roles(JsonObject u) {
        return u.getJsonArray("roles").stream().map(r -> ((JsonString) r).getString()).toList();
    }

    @Command(name = "add", mixinStandardHelpOptions = true, header = "Add a user.",
            footer = {"", "Examples:", "  junction user add --tenant acme --role producer poller-1", "  printf '%s\\n' \"$PW\" | junction user add --tenant acme --role consumer dashboards",
                    "  junction user add --role operator noc"})
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--tenant", paramLabel = "ID", description = "The tenant the user belongs to; omit for a service-wide operator or admin.")
        String tenant;

        @Option(names = "--role", required = true, split = ",", paramLabel = "ROLE", description = "producer, consumer or admin (with --tenant); operator or admin (without).")
        List<String> roles;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            checkName(name);
            if (tenant != null) {
                TenantCommand.checkId(tenant);
            }
            try {
                new User(name, tenant, java.util.Set.copyOf(roles), "unchecked");
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(e.getMessage());
            }
            String password = PasswordInput.read(name);
            JsonObject u = JsonLoader.readObject(new StringReader(TenantCommand.call(client, "addUser", name, tenant == null ? "" : tenant,
                    String.join(",", roles), password)));
            output.result("added user " + name + (tenant == null ? " to the service" : " to tenant " + tenant) + " as " + String.join(", ", roles(u)),
                    Map.of("name", name, "tenant", u.getString("tenant"), "roles", roles(u)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, header = "List users, of one tenant or all.")
    static final class ListUsers implements Callable<Integer> {
        @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant's users.")
        String tenant;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            if (tenant != null) {
                TenantCommand.checkId(tenant);
            }
            List<List<Object>> rows = new ArrayList<>();
            for (JsonValue v : JsonLoader.readArray(new StringReader(TenantCommand.call(client, "users", tenant == null ? "" : tenant)))) {
                JsonObject u = v.asJsonObject();
                rows.add(List.of(u.getString("name"), u.getString("tenant").isEmpty() ? "-" : u.getString("tenant"), String.join(",", roles(u))));
            }
            output.table(List.of("USER", "TENANT", "ROLES"), List.of("name", "tenant", "roles"), rows);
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, header = "Change a user's password.")
    static final class Passwd implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            checkName(name);
            TenantCommand.call(client, "setPassword", name, PasswordInput.read(name));
            output.result("changed the password of " + name, Map.of("changed", name));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, header = "Remove a user; its open connections lose their rights within seconds.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            checkName(name);
            TenantCommand.call(client, "removeUser", name);
            output.result("removed user " + name, Map.of("removed", name));
            return 0;
        }
    }
}
