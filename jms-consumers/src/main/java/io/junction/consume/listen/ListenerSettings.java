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
    /**
     * The tenant of a process that consumes for every tenant as the service's operator: its listeners read wildcard
     * subscriptions ({@code tenant.*.events}) named outside every tenant ({@code operator.events.NAME}), and each
     * message's tenant is its destination's.
     */
    public static final String ALL = "*";

    public ListenerSettings {
        if (!ALL.equals(tenant)) {
            TenantAddresses.checkId(tenant);
        }
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

    /** Whether these are the settings of the operator's process for every tenant. */
    public boolean allTenants() {
        return ALL.equals(tenant);
    }

    /**
     * The tenant {@code m} belongs to: this process's, or, for every tenant, the one its destination names (never what
     * its body says).
     */
    public String tenantOf(jakarta.jms.Message m) throws jakarta.jms.JMSException {
        if (!allTenants()) {
            return tenant;
        }
        String address = m.getJMSDestination() instanceof jakarta.jms.Topic t ? t.getTopicName()
                : m.getJMSDestination() instanceof jakarta.jms.Queue q ? q.getQueueName() : null;
        String owner = address == null ? null : TenantAddresses.owner(address).orElse(null);
        if (owner == null) {
            throw new IllegalArgumentException("the message came from " + address + ", which belongs to no tenant");
        }
        return TenantAddresses.checkId(owner);
    }

    /** The address {@code l} reads ({@code tenant.*.DESTINATION} for every tenant). */
    String address(Listener l) {
        return TenantAddresses.ROOT + "." + tenant + "." + l.destination();
    }

    /**
     * The name of {@code l}'s durable subscription: inside the tenant, as the broker requires, or, for every tenant,
     * outside all of them ({@code operator.DESTINATION.NAME}); this instance's own if it says so.
     */
    String subscription(Listener l) {
        String base = allTenants() ? "operator." + l.destination() : address(l);
        return base + "." + l.subscription() + (l.perInstance() ? "." + instance : "");
    }
}
