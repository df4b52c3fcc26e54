package io.junction.client;

import io.junction.config.ConfigException;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * {@code NAME} or {@code queue://NAME} is a queue (anycast); {@code topic://NAME} is a topic (multicast). A tenant's
 * destination ({@code tenant.ID.NAME}, publish-subscribe) is a topic to send to and its durable queue
 * ({@code tenant.ID.NAME::tenant.ID.NAME}) to receive from.
 */
public final class Destinations {
    private Destinations() {
    }

    /** What to send to {@code address}: a tenant's topic, else the queue or topic it names. */
    public static Destination forSending(Session session, String address) throws JMSException {
        if (isTenantAddress(address)) {
            return session.createTopic(address);
        }
        return resolve(session, address);
    }

    /** What to receive from {@code address}: a tenant destination's durable queue, else the queue or topic it names. */
    public static Destination forReceiving(Session session, String address) throws JMSException {
        if (isTenantAddress(address) && !address.contains("::")) {
            return session.createQueue(address + "::" + address);
        }
        return resolve(session, address);
    }

    private static boolean isTenantAddress(String address) {
        return TenantAddresses.owner(address).isPresent();
    }

    private static Destination resolve(Session session, String address) throws JMSException {
        if (address.startsWith("topic://")) {
            return session.createTopic(nonEmpty(address.substring("topic://".length()), address));
        }
        String name = address.startsWith("queue://") ? address.substring("queue://".length()) : address;
        return session.createQueue(nonEmpty(name, address));
    }

    private static String nonEmpty(String name, String address) {
        if (name.isBlank()) {
            throw new ConfigException("Invalid address '" + address + "': the name is empty");
        }
        return name;
    }
}
