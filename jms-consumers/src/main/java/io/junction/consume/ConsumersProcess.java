package io.junction.consume;

import io.junction.client.Credentials;
import io.junction.consume.event.EventManager;
import io.junction.consume.listen.ListenerContainer;
import io.junction.consume.listen.ListenerSettings;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in consumers of one tenant in one process ({@code junction consumers start}): the event manager on its
 * store. Several processes may run for one tenant on a shared PostgreSQL store; they split the tenant's messages.
 */
public final class ConsumersProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumersProcess.class);
    /** Message ids are kept this long: a message is delivered again within minutes of its first delivery. */
    static final Duration KEEP_PROCESSED = Duration.ofDays(2);

    private final Database db;
    private final ListenerContainer container;
    private final ScheduledExecutorService housekeeping;

    private ConsumersProcess(Database db, ListenerContainer container, ScheduledExecutorService housekeeping) {
        this.db = db;
        this.container = container;
        this.housekeeping = housekeeping;
    }

    /** Opens the store and starts {@code only}'s listeners for {@code tenant} as {@code login}. */
    public static ConsumersProcess start(Credentials login, String tenant, Set<String> only, Database.Settings store, Duration patience) {
        Database db = Database.open(store);
        EventStore events = new EventStore(db);
        List<Class<?>> beans = new ArrayList<>();
        if (only.contains("events")) {
            beans.add(EventManager.class);
        }
        ListenerContainer container;
        try {
            container = ListenerContainer.start(new ListenerSettings(login, tenant, patience), List.of(events), beans.toArray(Class<?>[]::new));
        } catch (RuntimeException e) {
            db.close();
            throw new IllegalStateException("the listeners of tenant " + tenant + " cannot start as " + login.user() + ": " + Database.rootMessage(e)
                    + " (consumers log in as a user of the tenant with the consumer role)", e);
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "junction-consumers-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                int n = events.forgetProcessed(Instant.now().minus(KEEP_PROCESSED));
                LOG.debug("forgot {} processed message ids", n);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("cannot forget old processed message ids: {}", e.toString());
            }
        }, 1, 60, TimeUnit.MINUTES);
        return new ConsumersProcess(db, container, housekeeping);
    }

    /** The listener classes running. */
    public List<Class<?>> listeners() {
        return container.extension().listeners();
    }

    /** Drains the listeners (each commits the message in hand), then closes the store. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        try {
            container.close();
        } finally {
            db.close();
        }
    }
}
