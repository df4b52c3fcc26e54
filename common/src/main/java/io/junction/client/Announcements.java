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
