package io.junction.consume.listen;

import io.junction.client.Credentials;
import io.junction.client.TenantAddresses;
import java.time.Duration;

/**
 * Whom the listeners of a process consume for: {@code login} (a consumer user of {@code tenant}), how long a failover
 * may take before a loop opens its connection anew, and the name of this process among those of the tenant
 * ({@code instance}: letters, digits, {@code -} and {@code _}), which names its own subscriptions ({@link Listener#perInstance}).
 */
public record ListenerSettings(Credentials login, String tenant, Duration patience, String instance) {
    public ListenerSettings {
        TenantAddresses.checkId(tenant);
        if (!instance.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("consumers.instance: '" + instance + "' is not 1 to 64 letters, digits, - or _");
        }
    }

    /** Settings of the instance {@code main}. */
    public ListenerSettings(Credentials login, String tenant, Duration patience) {
        this(login, tenant, patience, "main");
    }

    /** The subscription the listener class {@code c} (annotated {@link Listener}) reads under these settings. */
    public String subscriptionOf(Class<?> c) {
        Listener l = c.getAnnotation(Listener.class);
        if (l == null) {
            throw new IllegalArgumentException(c.getName() + " is not annotated @Listener");
        }
        return subscription(l);
    }

    /** The address {@code l} reads. */
    String address(Listener l) {
        return TenantAddresses.prefix(tenant) + l.destination();
    }

    /** The name of {@code l}'s durable subscription: inside the tenant, as the broker requires; this instance's own if it says so. */
    String subscription(Listener l) {
        return address(l) + "." + l.subscription() + (l.perInstance() ? "." + instance : "");
    }
}
