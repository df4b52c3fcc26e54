package io.junction.client;

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
 */
public final class ReliableSender {
    /** The property Artemis reads for duplicate detection, on every protocol. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private final MessageProducer producer;
    private final Duration deadline;
    private long retries;

    public ReliableSender(MessageProducer producer, Duration deadline) {
        this.producer = producer;
        this.deadline = deadline;
    }

    /** Sends {@code message}, giving it a random duplicate-detection id unless it has one; returns the id. */
    public String send(Message message) throws JMSException {
        String id = message.getStringProperty(DUPLICATE_ID);
        if (id == null) {
            id = UUID.randomUUID().toString();
            message.setStringProperty(DUPLICATE_ID, id);
        }
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                producer.send(message);
                return id;
            } catch (JMSException e) {
                if (!retriable(e) || System.nanoTime() > giveUpAt) {
                    throw e;
                }
                retries++;
                pause();
            }
        }
    }

    /** A refusal (login, permission, destination, message) stays a refusal however often it is retried. */
    static boolean retriable(JMSException e) {
        return !(e instanceof JMSSecurityException || e instanceof InvalidDestinationException || e instanceof MessageFormatException);
    }

    /** Sends that had to be retried, for logs and tests. */
    public long retries() {
        return retries;
    }

    private static void pause() throws JMSException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JMSException interrupted = new JMSException("interrupted while retrying a send");
            interrupted.initCause(e);
            throw interrupted;
        }
    }
}
