package io.junction.client;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * The announcements pollers and trap receivers make of themselves on {@code tenant.ID.pollers} (a last-value queue
 * per broker, each announcement living 35 s), as one broker holds them.
 */
public final class Announcements {
    private Announcements() {
    }

    /**
     * The live announcements of {@code tenant}'s sites on every broker {@code login} names (each broker holds those of
     * the pollers connected to its group), one per poller and role, the newest; empty when no broker could be read
     * (the reader is cut off from the bus: that is no evidence that the pollers are gone).
     */
    public static java.util.Optional<List<JsonObject>> everyBroker(Credentials login, String tenant) {
        java.util.Map<String, JsonObject> newest = new java.util.TreeMap<>();
        int read = 0;
        for (String broker : ClientUrls.brokers(login.url())) {
            try (Credentials.Open open = login.at(ClientUrls.quick(broker)).connect()) {
                Session session = open.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
                for (JsonObject a : live(session, tenant)) {
                    newest.merge(a.getString("poller", "") + "/" + a.getString("role", ""), a,
                            (x, y) -> x.getString("time", "").compareTo(y.getString("time", "")) >= 0 ? x : y);
                }
                read++;
            } catch (JMSException e) {
                // that broker is not active (a backup) or not reachable: the others say
            }
        }
        return read == 0 ? java.util.Optional.empty() : java.util.Optional.of(List.copyOf(newest.values()));
    }

    /** The live announcements of {@code tenant}'s sites that {@code session}'s broker holds: not expired, of that tenant, naming a site. */
    public static List<JsonObject> live(Session session, String tenant) throws JMSException {
        long now = System.currentTimeMillis();
        List<JsonObject> out = new ArrayList<>();
        try (QueueBrowser browser = session.createBrowser(session.createQueue(TenantAddresses.pollers(tenant)))) {
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message m = (Message) messages.nextElement();
                if (!(m instanceof TextMessage text) || (m.getJMSExpiration() != 0 && m.getJMSExpiration() < now)) {
                    continue;
                }
                try {
                    JsonObject a = JsonLoader.readObject(new StringReader(text.getText()));
                    if (tenant.equals(a.getString("tenant", "")) && !a.getString("site", "").isEmpty()) {
                        out.add(a);
                    }
                } catch (RuntimeException e) {
                    // not an announcement
                }
            }
        }
        return out;
    }
}
