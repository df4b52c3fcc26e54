package io.junction.cli;

import io.junction.node.RunningNode;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code junction} commands as a running node's admin, as an operator would; for the tenant tests. */
record AdminCli(RunningNode node) {
    String[] args(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", node.coreUrl(), "--user", node.admin().user(), "--password", node.admin().password()));
        return all.toArray(String[]::new);
    }

    CliRun run(String... args) {
        return CliRun.of(args(args));
    }

    CliRun runWithInput(String input, String... args) {
        return CliRun.withInput(input, args(args));
    }

    /** Adds a user of {@code tenant} (or of the service, if null) with {@code roles}, the password given on standard input. */
    CliRun addUser(String name, String tenant, String roles, String password) {
        List<String> args = new ArrayList<>(List.of("user", "add", "--role", roles, name));
        if (tenant != null) {
            args.addAll(List.of("--tenant", tenant));
        }
        return runWithInput(password + "\n", args.toArray(String[]::new));
    }
}
