package io.junction.poll.snmp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A device a poller polls. Its identity is tenant, site, address and port: customers of one service reuse private
 * ranges, so the same 10.0.0.1 in two tenants, or in two sites of one tenant, is two devices. Its name is unique in its
 * tenant and is how events and metrics name it.
 */
public record Device(String tenant, String site, String name, String address, int port, SnmpSettings snmp, List<String> profiles,
                     Duration interval) {
    public Device {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(snmp, "snmp");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: must be between 1 and 65535");
        }
        profiles = List.copyOf(profiles);
        if (interval == null || interval.toMillis() < 1_000) {
            throw new IllegalArgumentException("interval: must be at least 1 s");
        }
    }

    /** {@code tenant/site/address:port}: what makes two devices one. */
    public String identity() {
        return tenant + "/" + site + "/" + address + ":" + port;
    }

    /** Never a community or a password. */
    @Override
    public String toString() {
        return tenant + "/" + name + " (" + site + ", " + address + ":" + port + ")";
    }
}
