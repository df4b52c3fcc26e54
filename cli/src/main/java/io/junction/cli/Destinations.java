package io.junction.cli;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

/** {@code NAME} or {@code queue://NAME} is a queue (anycast); {@code topic://NAME} is a topic (multicast). */
final class Destinations {
    private Destinations() {
    }

    static Destination resolve(Session session, String address) throws JMSException {
        if (address.startsWith("topic://")) {
            return session.createTopic(nonEmpty(address.substring("topic://".length()), address));
        }
        String name = address.startsWith("queue://") ? address.substring("queue://".length()) : address;
        return session.createQueue(nonEmpty(name, address));
    }

    private static String nonEmpty(String name, String address) {
        if (name.isBlank()) {
            throw CliFailure.usage("Invalid address '" + address + "': the name is empty");
        }
        return name;
    }
}
