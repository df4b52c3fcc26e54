package io.junction.poll.spool;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionRolledBackException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Sends spooled messages to the bus. {@link #forward} empties a spool in order, a transaction per batch (one round trip
 * per batch, not per message, over a slow WAN); a batch the broker refuses because one of its messages was stored
 * already (a batch sent again after a crash, a slot another poller polled too) is sent again message by message, and
 * the broker drops those it has.
 */
public final class Forwarder {
    /** Messages sent per transaction. */
    static final int BATCH = 200;
    /** The property that marks a message forwarded from a spool: its body's time is when it was made, not sent. */
    public static final String SPOOLED = "spooled";

    private Forwarder() {
    }

    /** Sends {@code s} through {@code bus} at once, with its duplicate-detection id. */
    public static void send(BusConnection bus, Spooled s, Duration deadline) throws JMSException {
        new ReliableSender(bus, bus.session().createTopic(s.address()), deadline).send(message(bus.session(), s, false));
    }

    /**
     * Forwards what {@code spool} holds, in order, as {@code login}; {@code progress} runs after each batch. Returns how
     * many were forwarded. A failure leaves the unconfirmed batch in the spool, to go again.
     */
    public static long forward(Spool spool, Credentials login, Duration patience, Runnable progress) throws JMSException, IOException {
        long sent = 0;
        try (BusConnection tx = BusConnection.openTransacted(login.url(), login.user(), login.password(), patience)) {
            BusConnection plain = null;
            try {
                while (true) {
                    Spool.Batch b = spool.peek(BATCH);
                    if (b.entries().isEmpty() && b.expired() == 0) {
                        return sent;
                    }
                    boolean done = false;
                    try {
                        Session s = tx.session();
                        for (Spooled e : b.entries()) {
                            tx.producer(s.createTopic(e.address())).send(message(s, e, true));
                        }
                        s.commit();
                        done = true;
                    } catch (TransactionRolledBackException duplicate) {
                        if (plain == null) {
                            plain = BusConnection.open(login, patience);
                        }
                        for (Spooled e : b.entries()) {
                            new ReliableSender(plain, plain.session().createTopic(e.address()), patience.multipliedBy(6))
                                    .send(message(plain.session(), e, true));
                        }
                        done = true;
                    } finally {
                        if (!done) {
                            spool.unpeek();
                        }
                    }
                    spool.forwarded(b);
                    sent += b.entries().size();
                    progress.run();
                }
            } finally {
                if (plain != null) {
                    plain.close();
                }
            }
        }
    }

    private static TextMessage message(Session session, Spooled s, boolean spooled) throws JMSException {
        TextMessage m = session.createTextMessage(s.body());
        for (Map.Entry<String, String> p : s.properties().entrySet()) {
            m.setStringProperty(p.getKey(), p.getValue());
        }
        if (spooled) {
            m.setBooleanProperty(SPOOLED, true);
        }
        m.setStringProperty(ReliableSender.DUPLICATE_ID, s.duplicateId());
        return m;
    }
}
