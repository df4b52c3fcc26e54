package io.junction.client;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.core.client.impl.ClientSessionFactoryInternal;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's JMS connection and session to a Junction cluster over CORE, opened anew, elsewhere first, when the
 * broker it is on stops answering. For one thread, like a JMS session.
 *
 * <p>Artemis's CORE client, once it notices that its broker is gone, reconnects to that broker first, every time,
 * before it tries the broker's backup. A frozen broker (SIGSTOP, a stalled VM) keeps its listening socket, so its
 * kernel accepts those connections and nothing ever answers them: the client stays until the broker thaws, however
 * long that is. This connection follows Artemis's failover events; when a failure has not been recovered within
 * {@code patience}, or a call has been failing for twice that, {@link #recover} abandons the connection and opens a new
 * one to the lost broker's backup or the lost broker itself (a primary that lost its lock restarts), until {@link
 * #GROUP_FAILOVER} after the failure, and only then to the others,
 * the lost broker last ({@link ClientUrls#preferring}). A send retried there carries its duplicate-detection id ({@link
 * ReliableSender}), so the backup, which has the group's duplicate cache, drops it if the first attempt was stored; a
 * broker of another group has a cache of its own and would store it again.
 */
public final class BusConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BusConnection.class);

    /**
     * How long after a broker's failure a reopened connection tries only that broker's group (its backup, then itself): longer than a failover
     * takes (the lock's session, 3 s by default and at most 20 ZooKeeper ticks, and the backup's activation).
     */
    static final Duration GROUP_FAILOVER = Duration.ofSeconds(30);

    private final String url;
    private final String user;
    private final String password;
    private final long patienceNanos;
    private final boolean transacted;
    /** The acknowledgement mode of a session that is not transacted. */
    private final int acknowledge;
    private final Map<Destination, MessageProducer> producers = new HashMap<>();
    private ActiveMQConnectionFactory factory;
    private volatile ActiveMQConnection connection;
    private Session session;
    /** {@link System#nanoTime()} at which the current connection's failure was noticed; 0 while it is well. */
    private volatile long failedAt;
    private long reopened;

    private BusConnection(String url, String user, String password, Duration patience, boolean transacted) {
        this(url, user, password, patience, transacted, Session.AUTO_ACKNOWLEDGE);
    }

    private BusConnection(String url, String user, String password, Duration patience, boolean transacted, int acknowledge) {
        this.url = Objects.requireNonNull(url, "url");
        this.user = user;
        this.password = password;
        this.patienceNanos = patience.toNanos();
        this.transacted = transacted;
        this.acknowledge = acknowledge;
    }

    /**
     * Connects to {@code url} (a CORE URL, normally {@link ClientUrls#cluster}) as {@code user}, with a
     * non-transacted, auto-acknowledge session.
     */
    public static BusConnection open(String url, String user, String password, Duration patience) throws JMSException {
        BusConnection bus = new BusConnection(url, user, password, patience, false);
        bus.connect(url);
        return bus;
    }

    /** {@link #open} at {@code login}'s URL as its user. */
    public static BusConnection open(Credentials login, Duration patience) throws JMSException {
        return open(login.url(), login.user(), login.password(), patience);
    }

    /**
     * {@link #open} with a session whose messages are acknowledged one by one ({@code Message.acknowledge()} acks that
     * message alone): for a consumer that holds many messages at once and finishes them in any order.
     */
    public static BusConnection openIndividual(Credentials login, Duration patience) throws JMSException {
        BusConnection bus = new BusConnection(login.url(), login.user(), login.password(), patience, false,
                org.apache.activemq.artemis.api.jms.ActiveMQJMSConstants.INDIVIDUAL_ACKNOWLEDGE);
        bus.connect(login.url());
        return bus;
    }

    /** {@link #open} with a transacted session, for receiving ({@link ListenerLoop}). */
    public static BusConnection openTransacted(String url, String user, String password, Duration patience) throws JMSException {
        BusConnection bus = new BusConnection(url, user, password, patience, true);
        bus.connect(url);
        return bus;
    }

    /** The session of the current connection. A new one after each reopening ({@link #reopened}). */
    public Session session() throws JMSException {
        if (session == null) {
            reopen();
        }
        return session;
    }

    /** A producer for {@code destination} on the current session, created once per connection. */
    public MessageProducer producer(Destination destination) throws JMSException {
        Session current = session();
        MessageProducer producer = producers.get(destination);
        if (producer == null) {
            producer = current.createProducer(destination);
            producers.put(destination, producer);
        }
        return producer;
    }

    /**
     * After a call on this connection failed: waits while Artemis fails over, and opens the connection anew when the
     * failover has not completed within the patience or the call has been failing since {@code failingSince} (a
     * {@link System#nanoTime()}) for twice that. Returns when the call may be tried again.
     */
    public void recover(long failingSince) throws JMSException {
        while (true) {
            long now = System.nanoTime();
            long since = failedAt;
            if (connection == null || (since != 0 && now - since >= patienceNanos) || now - failingSince >= 2 * patienceNanos) {
                reopen();
                return;
            }
            pause("waiting for a failover");
            if (failedAt == 0) {
                return;
            }
        }
    }

    /** The host:port of the broker the connection is on now (after a failover, the one it moved to); null while closed. */
    public String broker() {
        ActiveMQConnection c = connection;
        return c == null ? null : hostPort(c.getSessionFactory().getConnectorConfiguration());
    }

    /** How often the connection was opened anew. */
    public long reopened() {
        return reopened;
    }

    @Override
    public void close() throws JMSException {
        ActiveMQConnection c = connection;
        ActiveMQConnectionFactory f = factory;
        connection = null;
        session = null;
        producers.clear();
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            if (f != null) {
                f.close();
            }
        }
    }

    private void connect(String to) throws JMSException {
        ActiveMQConnectionFactory f = new Credentials(to, user, password).factory();
        ActiveMQConnection c = null;
        try {
            c = (ActiveMQConnection) f.createConnection();
        } finally {
            if (c == null) {
                f.close();
            }
        }
        use(c, f);
    }

    private void use(ActiveMQConnection c, ActiveMQConnectionFactory f) throws JMSException {
        try {
            c.setFailoverListener(event -> noted(c, event));
            session = transacted ? c.createSession(true, Session.SESSION_TRANSACTED) : c.createSession(false, acknowledge);
            c.start();
        } catch (JMSException e) {
            abandon(c, f);
            throw e;
        }
        failedAt = 0;
        factory = f;
        connection = c;
    }

    private void noted(ActiveMQConnection c, FailoverEventType event) {
        if (c != connection) {
            return;
        }
        if (event == FailoverEventType.FAILURE_DETECTED) {
            failedAt = System.nanoTime();
        } else if (event == FailoverEventType.FAILOVER_COMPLETED) {
            failedAt = 0;
        }
    }

    private void reopen() throws JMSException {
        ActiveMQConnection old = connection;
        String lost = null;
        String backup = null;
        if (old != null) {
            ClientSessionFactory sessions = old.getSessionFactory();
            lost = hostPort(sessions.getConnectorConfiguration());
            if (sessions instanceof ClientSessionFactoryInternal internal
                    && internal.getBackupConnector() instanceof TransportConfiguration b) {
                backup = hostPort(b);
            }
            long since = failedAt;
            LOG.warn("the broker at {} has not answered for {} ms; connecting anew, to {} first", lost,
                    since == 0 ? "some" : (System.nanoTime() - since) / 1_000_000, backup == null ? "the others" : backup);
            abandon(old, factory);
        }
        connection = null;
        factory = null;
        session = null;
        producers.clear();
        String toBackup = backup == null ? null : ClientUrls.only(url, backup, lost);
        if (toBackup != null) {
            // a group's duplicate cache is its own: a send retried, or a poll handed out again, on another group's broker
            // would be stored twice. While the backup may still take over, or the lost broker come back (a primary that
            // lost its ZooKeeper session stops and starts again as the group's active broker), they are the only ones tried
            long failing = failedAt == 0 ? System.nanoTime() : failedAt;
            while (true) {
                try {
                    connect(toBackup);
                    reopened++;
                    return;
                } catch (JMSException e) {
                    if (System.nanoTime() - failing > GROUP_FAILOVER.toNanos()) {
                        LOG.warn("neither the backup at {} nor {} itself has come back within {} s; connecting to the other groups", backup, lost,
                                GROUP_FAILOVER.toSeconds());
                        break;
                    }
                    for (int i = 0; i < 5; i++) {
                        pause("waiting for the backup at " + backup + " to take over, or " + lost + " to come back");
                    }
                }
            }
        }
        connect(ClientUrls.preferring(url, backup, lost));
        reopened++;
    }

    /** Closes on a thread of its own: a connection still failing over waits for its current attempt to end. */
    private static void abandon(ActiveMQConnection c, ActiveMQConnectionFactory f) {
        Thread closer = new Thread(() -> {
            try {
                c.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("closing an abandoned connection", e);
            } finally {
                if (f != null) {
                    f.close();
                }
            }
        }, "junction-abandoned-connection");
        closer.setDaemon(true);
        closer.start();
    }

    private static String hostPort(TransportConfiguration t) {
        if (t == null) {
            return null;
        }
        return t.getParams().get("host") + ":" + t.getParams().get("port");
    }

    /** 50 ms between attempts; an interruption becomes a JMSException saying what was waiting. */
    static void pause(String waiting) throws JMSException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JMSException interrupted = new JMSException("interrupted while " + waiting);
            interrupted.initCause(e);
            throw interrupted;
        }
    }
}
