package io.junction.consume.event;

import io.junction.consume.listen.Listener;
import io.junction.consume.listen.ListenerSettings;
import io.junction.consume.store.EventStore;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event manager: each event of the tenant is judged by the {@link Correlator} and recorded in the {@link EventStore}
 * in one transaction, and the message is committed only after that. Any number of processes may run it on one
 * PostgreSQL database: they share the subscription, and the store takes each device's events one at a time.
 */
@Listener(destination = "events", subscription = "event-manager", concurrency = 2)
public class EventManager implements MessageListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventManager.class);

    @Inject
    EventStore store;

    @Inject
    ListenerSettings settings;

    @Override
    public void onMessage(Message m) {
        String tenant = settings.tenant();
        try {
            tenant = settings.tenantOf(m);
            EventMessages.Read read = EventMessages.read(tenant, m);
            EventStore.Recorded r = store.record(tenant, read.messageId(), read.event(), read.detail());
            if (r.duplicate()) {
                LOG.debug("{}: event {} was recorded before", tenant, read.messageId());
            } else if (r.problem() != null && r.outcome() != Correlator.Outcome.REPEATED && r.outcome() != Correlator.Outcome.SUPPRESSED) {
                Problem p = r.problem();
                LOG.info("{}: problem {} {}: {} {}{} ({})", tenant, p.id(), r.outcome().name().toLowerCase(java.util.Locale.ROOT),
                        p.device(), p.type(), p.instance().isEmpty() ? "" : " " + p.instance(), p.severity());
            }
        } catch (JMSException | SQLException e) {
            // rolled back: the broker delivers it again, then to the dead-letter address
            throw new IllegalStateException("recording an event of " + tenant + ": " + e.getMessage(), e);
        }
    }
}
