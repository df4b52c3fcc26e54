package io.junction.cli;

import picocli.CommandLine.Option;

/** {@code --tenant ID}, required, for the commands that act on one tenant's things. */
final class TenantOption {
    @Option(names = "--tenant", required = true, paramLabel = "ID", description = "The tenant.")
    String tenant;

    /** The tenant id, checked: a bad one is a usage error naming it. */
    String id() {
        return TenantCommand.checkId(tenant);
    }
}
