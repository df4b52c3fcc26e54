package io.junction.cli;

import io.junction.security.TenantLimits;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The tenant limits {@code tenant create} and {@code tenant update} accept; unset options keep their value. */
final class TenantLimitOptions {
    @Option(names = "--name", paramLabel = "TEXT", description = "Display name (default: the id).")
    String name;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Bytes the tenant's addresses hold in memory, all together, before "
            + "paging to disk or blocking producers (default 8MiB); the tenants' sum must fit in 3/4 of memory.global-max-size.")
    String maxMemory;

    @Option(names = "--max-disk", paramLabel = "SIZE", description = "Bytes the tenant's queues may hold, all together (in memory, paged, "
            + "large and retained messages); beyond it sends are refused (default 1GiB).")
    String maxDisk;

    @Option(names = "--on-full", paramLabel = "POLICY", description = "refuse: page, then refuse sends at --max-disk; block: block producers "
            + "at --max-memory, page nothing (default refuse).")
    String onFull;

    @Option(names = "--max-connections", paramLabel = "N", description = "Connections one user of the tenant may hold open (default 100).")
    String maxConnections;

    @Option(names = "--max-queues", paramLabel = "N", description = "Queues one user of the tenant may create, and MQTT topics the tenant "
            + "keeps retained messages on (default 100).")
    String maxQueues;

    @Option(names = "--max-deliveries", paramLabel = "N", description = "Delivery attempts before a message goes to tenant.ID.dlq (default 10).")
    String maxDeliveries;

    @Option(names = "--max-users", paramLabel = "N", description = "Users the tenant may have (default 100).")
    String maxUsers;

    @Option(names = "--max-devices", paramLabel = "N", description = "Devices the tenant's inventory may hold (default 1000, at most 20000).")
    String maxDevices;

    /** The options set, as {@code key=value,...}; checked here so that a bad value is a usage error naming its option. */
    String assignments() {
        List<String> set = new ArrayList<>();
        add(set, "max-memory", maxMemory);
        add(set, "max-disk", maxDisk);
        add(set, "on-full", onFull);
        add(set, "max-connections", maxConnections);
        add(set, "max-queues", maxQueues);
        add(set, "max-deliveries", maxDeliveries);
        add(set, "max-users", maxUsers);
        add(set, "max-devices", maxDevices);
        return String.join(",", set);
    }

    private static void add(List<String> set, String key, String value) {
        if (value == null) {
            return;
        }
        if (value.contains(",")) {
            throw CliFailure.usage("Invalid value '" + value + "' for option '--" + key + "'");
        }
        try {
            TenantLimits.DEFAULTS.with(key, value);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        set.add(key + "=" + value);
    }
}
