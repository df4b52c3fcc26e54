package io.junction.client;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives from one destination on a thread of its own, in a transacted session, and commits each message only after
 * its handler has returned. A handler that throws rolls its message back, after a back-off the loop waits holding it
 * (1 s, doubled with each delivery, at most a minute), and the broker delivers it again (after the address's maximum
 * delivery count, to its dead-letter address). A failover in the middle rolls
 * the transaction back too: the commit fails and the message comes again, flagged as redelivered, so a handler must
 * tolerate seeing a message twice. The loop rides through failover and leaves a broker that stops answering
 * ({@link BusConnection}). {@link #close} lets the message in hand finish and be committed, then stops.
 */
public final class ListenerLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerLoop.class);
    private static final long RECEIVE_MS = 200;

    /** What a listener does with a message; an exception rolls the message back. */
    @FunctionalInterface
    public interface Handler {
        void handle(Message message) throws Exception;
    }

    /** Opens the consumer on a session: a queue's, a shared durable subscription's, with a selector or not. */
    @FunctionalInterface
    public interface Source {
        MessageConsumer open(Session session) throws JMSException;
    }

    private final BusConnection bus;
    private final Source source;
    private final Handler handler;
    private final Thread thread;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private volatile boolean running = true;
    /** The consumer {@link #start} opened, taken over by the loop's thread. */
    private MessageConsumer first;

    private ListenerLoop(BusConnection bus, Source source, Handler handler, String name) {
        this.bus = bus;
        this.source = source;
        this.handler = handler;
        this.thread = new Thread(this::run, name);
    }

    /**
     * Connects to {@code url} as {@code user} and starts receiving from what {@code source} opens, on a thread named
     * {@code name}; the connection is opened anew when a failover has not completed within {@code patience}.
     */
    public static ListenerLoop start(String url, String user, String password, Duration patience, Source source, Handler handler,
                                     String name) throws JMSException {
        BusConnection bus = BusConnection.openTransacted(url, user, password, patience);
        ListenerLoop loop = new ListenerLoop(bus, source, handler, name);
        try {
            // opened here first, so that a refusal (no permission, a bad selector) is the caller's exception, not a loop retrying it
            loop.first = source.open(bus.session());
        } catch (JMSException | RuntimeException e) {
            bus.close();
            throw e;
        }
        loop.thread.start();
        return loop;
    }

    /** {@link #start} at {@code login}'s URL as its user. */
    public static ListenerLoop start(Credentials login, Duration patience, Source source, Handler handler, String name) throws JMSException {
        return start(login.url(), login.user(), login.password(), patience, source, handler, name);
    }

    /** Messages whose handler returned and whose transaction committed. */
    public long committed() {
        return committed.get();
    }

    /** Messages rolled back: their handler threw, or the commit failed (a failover). */
    public long rolledBack() {
        return rolledBack.get();
    }

    private void run() {
        MessageConsumer consumer = first;
        long opened = bus.reopened();
        BusRetry retry = new BusRetry(thread.getName());
        while (running) {
            try {
                if (consumer == null || opened != bus.reopened()) {
                    consumer = source.open(bus.session());
                    opened = bus.reopened();
                }
                Message message = consumer.receive(RECEIVE_MS);
                if (message != null) {
                    deliver(bus.session(), message);
                }
                retry.succeeded();
            } catch (JMSException | RuntimeException e) {
                if (!running || !retry.failed(bus, e)) {
                    break;
                }
            }
        }
        retry.close(bus);
    }

    private void deliver(Session session, Message message) throws JMSException {
        try {
            handler.handle(message);
        } catch (Exception e) {
            int delivery = deliveryCount(message);
            Duration wait = backOff(delivery);
            LOG.warn("{}: the handler failed on message {} (delivery {}); rolled back for redelivery in {} ms: {}", thread.getName(),
                    message.getJMSMessageID(), delivery, wait.toMillis(), e.toString());
            // the back-off is waited here, holding the message, rather than by the broker after the rollback: a
            // redelivery the broker delays lets the next messages of the same group (a device's) overtake it
            long until = System.nanoTime() + wait.toNanos();
            while (running && System.nanoTime() < until) {
                try {
                    Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            rolledBack.incrementAndGet();
            session.rollback();
            return;
        }
        try {
            session.commit();
            committed.incrementAndGet();
        } catch (JMSException e) {
            rolledBack.incrementAndGet();
            throw e;
        }
    }

    /** The wait before a failed message is rolled back: 1 s after its first delivery, twice as long after each next, at most a minute. */
    static Duration backOff(int delivery) {
        long ms = 1_000L << Math.min(Math.max(delivery, 1) - 1, 6);
        return Duration.ofMillis(Math.min(ms, MAX_BACK_OFF.toMillis()));
    }

    /** The longest wait before a failed message is rolled back. */
    static final Duration MAX_BACK_OFF = Duration.ofMinutes(1);

    private static int deliveryCount(Message message) {
        try {
            return message.propertyExists("JMSXDeliveryCount") ? message.getIntProperty("JMSXDeliveryCount") : 1;
        } catch (JMSException | RuntimeException e) {
            return 1;
        }
    }

    /** Lets the message in hand finish and commit, stops receiving and closes the connection; waits up to {@code wait}. */
    public boolean stop(Duration wait) throws InterruptedException {
        running = false;
        thread.join(wait.toMillis());
        return !thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }
}
