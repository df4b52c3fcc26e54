package io.junction.consume.notify;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import io.junction.client.TenantAddresses;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code alerts} action: publishes a notification on {@code tenant.ID.alerts} as the consumers' bus user (which then
 * needs the tenant's producer role as well as its consumer role). The message is the notification's JSON document with
 * the properties {@code kind} ({@code notification}), {@code delivery}, {@code device}, {@code site}, {@code type} and
 * {@code severity} for selectors, in the device's message group, and with the delivery as its duplicate-detection id,
 * so a delivery tried again after a crash or a failover is stored once. One connection, opened when first needed and
 * again after it failed.
 */
public final class BusAlerts implements Senders.AlertPublisher, AutoCloseable {
    private final Credentials login;
    private final Duration patience;
    private BusConnection bus;

    public BusAlerts(Credentials login, Duration patience) {
        this.login = login;
        this.patience = patience;
    }

    @Override
    public synchronized void publish(Senders.Notification n) throws Exception {
        String address = TenantAddresses.prefix(n.tenant().id()) + "alerts";
        try {
            if (bus == null) {
                bus = BusConnection.open(login, patience);
            }
            TextMessage m = bus.session().createTextMessage(n.json());
            m.setStringProperty("kind", "notification");
            m.setLongProperty("delivery", n.delivery());
            Map<String, Object> p = n.problem();
            for (String key : new String[] {"device", "site", "type", "severity"}) {
                if (p.get(key) != null) {
                    m.setStringProperty(key, String.valueOf(p.get(key)));
                }
            }
            if (p.get("device") != null) {
                m.setStringProperty("JMSXGroupID", p.get("site") + "/" + p.get("device"));
            }
            m.setStringProperty(ReliableSender.DUPLICATE_ID, "junction-notification-" + n.tenant().id() + "-" + n.delivery());
            new ReliableSender(bus, bus.session().createTopic(address), patience).send(m);
        } catch (JMSException | RuntimeException e) {
            close();
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
            throw new JMSException(address + ": " + why + (why.contains("AMQ229032") || why.toLowerCase(java.util.Locale.ROOT).contains("permission")
                    ? " (the alerts action publishes as " + login.user() + ", which needs the tenant's producer role as well)" : ""));
        }
    }

    @Override
    public synchronized void close() {
        if (bus != null) {
            try {
                bus.close();
            } catch (JMSException | RuntimeException ignored) {
                // gone already
            }
            bus = null;
        }
    }
}
