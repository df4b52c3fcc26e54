package io.junction.consume.listen;

import io.junction.client.Credentials;
import io.junction.client.TenantAddresses;
import java.time.Duration;

/**
 * Whom the listeners of a process consume for: {@code login} (a consumer user of {@code tenant}) and how long a failover
 * may take before a loop opens its connection anew.
 */
public record ListenerSettings(Credentials login, String tenant, Duration patience) {
    public ListenerSettings {
        TenantAddresses.checkId(tenant);
    }

    /** The address {@code l} reads. */
    String address(Listener l) {
        return TenantAddresses.prefix(tenant) + l.destination();
    }

    /** The name of {@code l}'s shared durable subscription: inside the tenant, as the broker requires. */
    String subscription(Listener l) {
        return address(l) + "." + l.subscription();
    }
}
