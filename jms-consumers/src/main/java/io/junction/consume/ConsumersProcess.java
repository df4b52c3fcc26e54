package io.junction.consume;

import io.junction.client.Credentials;
import io.junction.config.Config;
import io.junction.consume.api.ApiServer;
import io.junction.consume.api.BusLogins;
import io.junction.consume.event.EventManager;
import io.junction.consume.listen.ListenerContainer;
import io.junction.consume.listen.ListenerSettings;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.metric.MetricStoreListener;
import io.junction.consume.notify.NotificationRules;
import io.junction.consume.notify.Notifier;
import io.junction.consume.notify.BusAlerts;
import io.junction.consume.notify.Senders;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import io.junction.consume.store.MaintenanceWindows;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in consumers of one tenant in one process ({@code junction consumers start}): the event manager on its
 * database, the metric store on its RRD files. Several processes may run for one tenant: their event managers share a
 * subscription and a PostgreSQL database; their metric stores each keep a full copy.
 */
public final class ConsumersProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumersProcess.class);
    /** Message ids are kept this long: a message is delivered again within minutes of its first delivery. */
    static final Duration KEEP_PROCESSED = Duration.ofDays(2);

    /** What runs ({@code events}, {@code metrics}), under which instance name, on which stores. */
    public record Settings(Set<String> only, String instance, Database.Settings store, Duration escalateAfter, MetricStore.Settings metrics,
                           ApiServer.Settings api, Duration patience, java.nio.file.Path notificationRules, Notifier.Settings notifications) {
        /** The settings a consumers configuration gives. */
        public static Settings of(Config config, Map<String, String> environment) {
            return new Settings(ConsumersConfig.only(config), config.get(ConsumersConfig.INSTANCE), ConsumersConfig.store(config, environment),
                    config.get(ConsumersConfig.ESCALATE_AFTER), ConsumersConfig.metrics(config), ConsumersConfig.api(config),
                    config.get(io.junction.client.ClientConfig.PATIENCE), java.nio.file.Path.of(config.get(ConsumersConfig.NOTIFICATIONS_DIR)),
                    ConsumersConfig.notifications(config));
        }
    }

    private final Database db;
    private final MetricStore metrics;
    private final ListenerContainer container;
    private final ApiServer api;
    private final ScheduledExecutorService housekeeping;
    private final BusAlerts alerts;

    private ConsumersProcess(Database db, MetricStore metrics, ListenerContainer container, ApiServer api, ScheduledExecutorService housekeeping,
            BusAlerts alerts) {
        this.alerts = alerts;
        this.db = db;
        this.metrics = metrics;
        this.container = container;
        this.api = api;
        this.housekeeping = housekeeping;
    }

    /**
     * Opens the stores and starts the listeners for {@code tenant} as {@code login}, a consumer of the tenant, or for
     * every tenant ({@link ListenerSettings#ALL}) as the service's operator; a store or listener that cannot start is
     * one line.
     */
    public static ConsumersProcess start(Credentials login, String tenant, Settings s) {
        boolean all = ListenerSettings.ALL.equals(tenant);
        // the rule files as they are before they are read: an edit from now on is seen
        io.junction.consume.notify.RulesWatch ruleFiles = new io.junction.consume.notify.RulesWatch(s.notificationRules(), all ? null : tenant);
        // the rules are checked before anything starts: a bad one is one line naming its file and key
        NotificationRules rules = !s.only().contains("events") ? NotificationRules.none()
                : all ? NotificationRules.load(s.notificationRules()) : NotificationRules.load(s.notificationRules(), tenant);
        Database db = s.only().contains("events") ? Database.open(s.store()) : null;
        MetricStore metrics = s.only().contains("metrics") ? new MetricStore(s.metrics()) : null;
        List<Object> services = new ArrayList<>();
        List<Class<?>> beans = new ArrayList<>();
        EventStore events = null;
        if (db != null) {
            events = new EventStore(db);
            services.add(events);
            beans.add(EventManager.class);
        }
        if (metrics != null) {
            services.add(metrics);
            beans.add(MetricStoreListener.class);
        }
        ListenerContainer container;
        try {
            container = ListenerContainer.start(new ListenerSettings(login, tenant, s.patience(), s.instance()), services, beans.toArray(Class<?>[]::new));
        } catch (RuntimeException e) {
            closeQuietly(db, metrics);
            throw new IllegalStateException((all ? "the listeners of every tenant" : "the listeners of tenant " + tenant) + " cannot start as "
                    + login.user() + ": " + Database.rootMessage(e) + (all ? " (consumers of every tenant log in as the service's operator)"
                    : " (consumers log in as a user of the tenant with the consumer role)"), e);
        }
        ApiServer api;
        Notifier notifier;
        BusAlerts alerts = new BusAlerts(login, s.patience());
        try {
            notifier = db == null ? null : new Notifier(db, rules, new Senders(alerts), s.notifications(), s.instance() + "@" + ProcessHandle.current().pid()
                    + "@" + java.util.UUID.randomUUID().toString().substring(0, 8), tenant);
            api = ApiServer.start(s.api(), all ? Set.of() : Set.of(tenant), new BusLogins(login.url()), events, db == null ? null : new MaintenanceWindows(db), metrics,
                    notifier, t -> io.junction.client.Announcements.everyBroker(login, t));
        } catch (RuntimeException e) {
            container.close();
            closeQuietly(db, metrics);
            throw e;
        }
        ScheduledExecutorService housekeeping = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "junction-consumers-housekeeping");
            t.setDaemon(true);
            return t;
        });
        if (events != null) {
            EventStore kept = events;
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    LOG.debug("forgot {} processed message ids", kept.forgetProcessed(Instant.now().minus(KEEP_PROCESSED)));
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("cannot forget old processed message ids: {}", e.toString());
                }
            }, 1, 60, TimeUnit.MINUTES);
            // the tenants looked after: this process's, or every tenant whose events or polls it has seen
            MetricStore polled = metrics;
            java.util.concurrent.Callable<Set<String>> tenants = !all ? () -> Set.of(tenant) : () -> {
                Set<String> seen = new java.util.TreeSet<>(kept.tenants());
                if (polled != null) {
                    seen.addAll(polled.tenants());
                }
                return seen;
            };
            Map<String, io.junction.consume.event.SiteWatch> watches = new java.util.concurrent.ConcurrentHashMap<>();
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    for (String t : tenants.call()) {
                        io.junction.consume.event.SiteWatch sites = watches.get(t);
                        if (sites == null) {
                            sites = new io.junction.consume.event.SiteWatch(t, kept, io.junction.consume.event.SiteWatch.fromBus(login, t),
                                    io.junction.consume.event.SiteWatch.GRACE);
                            watches.put(t, sites);
                        }
                        sites.look(Instant.now());
                    }
                } catch (Exception e) {
                    LOG.warn("cannot judge whether the sites have pollers: {}", e.toString());
                }
            }, 15, 15, TimeUnit.SECONDS);
            Notifier notifying = notifier;
            // rule files edited while running are in force within seconds; a bad edit leaves the rules as they were
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    ruleFiles.check().ifPresent(notifying::rules);
                } catch (RuntimeException e) {
                    LOG.warn("cannot look at the notification rules: {}", e.toString());
                }
            }, 5, 5, TimeUnit.SECONDS);
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    notifying.expand(Instant.now());
                    notifying.deliver(Instant.now());
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("cannot send notifications: {}", e.toString());
                }
            }, 1, 1, TimeUnit.SECONDS);
            if (!s.notifications().repeat().isEmpty()) {
                housekeeping.scheduleWithFixedDelay(() -> {
                    try {
                        for (String t : tenants.call()) {
                            int repeated = kept.repeatDue(t, Instant.now(), s.notifications().repeat());
                            if (repeated > 0) {
                                LOG.info("{}: {} open problems notified again", t, repeated);
                            }
                        }
                    } catch (Exception e) {
                        LOG.warn("cannot repeat notifications: {}", e.toString());
                    }
                }, 1, 1, TimeUnit.MINUTES);
            }
            // a flapping that went quiet ends without waiting for the device's next event
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    for (String t : tenants.call()) {
                        int ended = kept.endQuietFlapping(t, Instant.now());
                        if (ended > 0) {
                            LOG.info("{}: {} flapping problems quiet for {} ended", t, ended,
                                    io.junction.config.Durations.format(io.junction.consume.event.Correlator.FLAP_WINDOW));
                        }
                    }
                } catch (Exception e) {
                    LOG.warn("cannot end quiet flapping problems: {}", e.toString());
                }
            }, 1, 1, TimeUnit.MINUTES);
            if (!s.escalateAfter().isZero()) {
                housekeeping.scheduleWithFixedDelay(() -> {
                    try {
                        for (String t : tenants.call()) {
                            for (io.junction.consume.event.Problem p : kept.escalate(t, Instant.now(), s.escalateAfter())) {
                                LOG.info("{}: problem {} escalated to {}: {} {} open and unacknowledged", p.tenant(), p.id(), p.severity(), p.device(),
                                        p.type());
                            }
                        }
                    } catch (Exception e) {
                        LOG.warn("cannot escalate problems: {}", e.toString());
                    }
                }, 1, 1, TimeUnit.MINUTES);
            }
        }
        if (metrics != null) {
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    metrics.saveLastPolls();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot save the devices' last polls: {}", e.toString());
                }
            }, 30, 30, TimeUnit.SECONDS);
        }
        return new ConsumersProcess(db, metrics, container, api, housekeeping, alerts);
    }

    /**
     * Removes the metric-store subscription of a consumers process that is gone for good ({@code instance}), so that
     * what it would have received stops filling the tenant's quota. Fails if it has none, or if it runs.
     */
    public static void retire(Credentials login, String tenant, String instance) throws jakarta.jms.JMSException {
        ListenerSettings settings = new ListenerSettings(login, tenant, Duration.ofSeconds(5), instance);
        String name = settings.subscriptionOf(MetricStoreListener.class);
        try (Credentials.Open open = login.connect()) {
            open.connection().createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE).unsubscribe(name);
        }
    }

    /** The listener classes running. */
    public List<Class<?>> listeners() {
        return container.extension().listeners();
    }

    /** Messages its listeners have handled and committed. */
    public long handled() {
        return container.extension().loops().stream().mapToLong(io.junction.client.ListenerLoop::committed).sum();
    }

    /** The API's URL. */
    public String apiUrl() {
        return api.url();
    }

    /** The metric store, if this process runs one. */
    public MetricStore metrics() {
        return metrics;
    }

    /** Drains the listeners (each commits the message in hand), then closes the stores. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        try {
            // a delivery in progress ends (its senders' timeouts bound it) before the store closes under it
            if (!housekeeping.awaitTermination(15, TimeUnit.SECONDS)) {
                LOG.warn("the consumers' housekeeping did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            api.close();
        } catch (Exception e) {
            LOG.warn("stopping the API: {}", e.toString());
        }
        alerts.close();
        try {
            container.close();
        } finally {
            closeQuietly(db, metrics);
        }
    }

    private static void closeQuietly(Database db, MetricStore metrics) {
        if (db != null) {
            db.close();
        }
        if (metrics != null) {
            try {
                metrics.close();
            } catch (IOException e) {
                LOG.warn("closing the metric store: {}", e.toString());
            }
        }
    }
}
