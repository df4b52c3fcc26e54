package io.junction.consume.metric;

import io.junction.consume.listen.Listener;
import io.junction.consume.listen.ListenerSettings;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.io.IOException;

/**
 * The metric store's listener: each process reads every metrics message of the tenant through a subscription of its
 * own and keeps a full copy of the series, so that one of two processes killed loses no sample from the charts the
 * other draws, and one restarted catches up from its subscription.
 */
@Listener(destination = "metrics", subscription = "metric-store", perInstance = true)
public class MetricStoreListener implements MessageListener {
    @Inject
    MetricStore store;

    @Inject
    ListenerSettings settings;

    @Override
    public void onMessage(Message m) {
        String tenant = settings.tenant();
        try {
            tenant = settings.tenantOf(m);
            store.store(MetricsMessages.read(tenant, m));
        } catch (JMSException | IOException e) {
            throw new IllegalStateException("storing metrics of " + tenant + ": " + e.getMessage(), e);
        }
    }
}
