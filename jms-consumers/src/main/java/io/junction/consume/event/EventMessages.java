package io.junction.consume.event;

import io.junction.client.ReliableSender;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * Reads the event messages of {@code docs/messages.md} (a poller's status changes, a trap receiver's traps). The
 * tenant is the one whose destination the message came from, never what the message says: a tenant's poller cannot
 * record events for another.
 */
public final class EventMessages {
    private EventMessages() {
    }

    /** An event read from a message, with the id that makes it once-only and its detail, if any. */
    public record Read(Incoming event, String messageId, String detail) {
    }

    /** {@code m}, received from {@code tenant}'s events; a message that is no event throws IllegalArgumentException. */
    public static Read read(String tenant, Message m) throws JMSException {
        if (!(m instanceof TextMessage text) || text.getText() == null) {
            throw new IllegalArgumentException("not an event: a " + m.getClass().getSimpleName() + " rather than JSON text");
        }
        JsonObject o;
        try {
            o = JsonLoader.readObject(new StringReader(text.getText()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an event: its body is not a JSON object");
        }
        String type = required(o, "type");
        String severity = required(o, "severity");
        String site = required(o, "site");
        // a sender that is no device: named by its site and address, as sites reuse private address ranges
        String device = o.containsKey("device") ? o.getString("device") : "@" + site + "/" + required(o, "address");
        String instance = o.containsKey("instance") ? o.getString("instance")
                : o.containsKey("trap") ? o.getJsonObject("trap").getString("oid", "") : "";
        Instant time;
        try {
            time = Instant.parse(required(o, "time"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an event: time '" + o.getString("time") + "' is no ISO-8601 instant");
        }
        String detail = o.containsKey("detail") ? o.getString("detail", null) : o.containsKey("label") ? o.getString("label", null) : null;
        String id = m.getStringProperty(ReliableSender.DUPLICATE_ID);
        return new Read(new Incoming(tenant, site, device, type, instance, severity, time), id != null ? id : m.getJMSMessageID(), detail);
    }

    private static String required(JsonObject o, String key) {
        if (!o.containsKey(key) || o.isNull(key)) {
            throw new IllegalArgumentException("not an event: it has no '" + key + "'");
        }
        try {
            return o.getString(key);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("not an event: '" + key + "' is not a string");
        }
    }
}
