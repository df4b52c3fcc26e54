package io.junction.client;

import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import java.time.Duration;
import java.util.UUID;

/**
 * Sends through a producer so that a failover cannot lose or double a message: each message carries a
 * duplicate-detection id (Artemis's {@code _AMQ_DUPL_ID}), and a send that fails is retried with the same id until
 * the broker acknowledges it or the deadline passes. The broker drops a retry whose first attempt was stored.
 *
 * <p>Given a {@link BusConnection}, it waits out a failover between attempts and leaves a broker that stopped
 * answering ({@link BusConnection#recover}); given a bare producer, it retries on that producer's connection, which
 * stays with a frozen broker until it thaws.
 */
public final class ReliableSender {
    /** The property Artemis reads for duplicate detection, on every protocol. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private final MessageProducer producer;
    private final BusConnection bus;
    private final Destination destination;
    private final Duration deadline;
    private long retries;

    public ReliableSender(MessageProducer producer, Duration deadline) {
        this.producer = producer;
        this.bus = null;
        this.destination = null;
        this.deadline = deadline;
    }

    /** Sends to {@code destination} through {@code bus}'s current connection, whichever it is at each attempt. */
    public ReliableSender(BusConnection bus, Destination destination, Duration deadline) {
        this.producer = null;
        this.bus = bus;
        this.destination = destination;
        this.deadline = deadline;
    }

    /** Sends {@code message}, giving it a random duplicate-detection id unless it has one; returns the id. */
    public String send(Message message) throws JMSException {
        String id = message.getStringProperty(DUPLICATE_ID);
        if (id == null) {
            id = UUID.randomUUID().toString();
            message.setStringProperty(DUPLICATE_ID, id);
        }
        long firstFailure = System.nanoTime();
        long giveUpAt = firstFailure + deadline.toNanos();
        boolean failed = false;
        while (true) {
            try {
                (bus == null ? producer : bus.producer(destination)).send(message);
                return id;
            } catch (JMSException | IllegalStateException thrown) {
                // Artemis's client throws java.lang.IllegalStateException ("AMQ219061: Cannot send a packet while
                // channel is failing over") from a send made while its connection fails over: as retriable as a
                // JMSException (a chaos run's consumer thread died of it in receive)
                JMSException e = asJms(thrown);
                if (!retriable(e) || System.nanoTime() > giveUpAt) {
                    throw e;
                }
                retries++;
                if (!failed) {
                    failed = true;
                    firstFailure = System.nanoTime();
                }
                recover(firstFailure);
            }
        }
    }

    private void recover(long failingSince) throws JMSException {
        if (bus != null) {
            try {
                bus.recover(failingSince);
                return;
            } catch (JMSException e) {
                if (!retriable(e)) {
                    throw e;
                }
            }
        }
        BusConnection.pause("retrying a send");
    }

    /** {@code thrown} as a JMSException (itself, or one that carries it as its cause). */
    static JMSException asJms(Exception thrown) {
        if (thrown instanceof JMSException e) {
            return e;
        }
        JMSException e = new JMSException(thrown.getMessage());
        e.setLinkedException(thrown);
        e.initCause(thrown);
        return e;
    }

    /** A refusal (login, permission, destination, message) stays a refusal however often it is retried. */
    static boolean retriable(JMSException e) {
        return !(e instanceof JMSSecurityException || e instanceof InvalidDestinationException || e instanceof MessageFormatException);
    }

    /** Sends that had to be retried, for logs and tests. */
    public long retries() {
        return retries;
    }
}
