package io.junction.consume.metric;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonNumber;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * Reads the metrics messages of {@code docs/messages.md}: one device's poll. Only numeric values are kept (strings are
 * labels, not series). The tenant is the one whose destination the message came from.
 */
public final class MetricsMessages {
    private MetricsMessages() {
    }

    /** One numeric value of a poll: its name, instance (empty for a scalar), label, SNMP type and raw value. */
    public record Value(String name, String instance, String label, String type, long raw) {
        public boolean counter() {
            return type.equals("Counter32") || type.equals("Counter64");
        }

        public boolean wide() {
            return type.equals("Counter64");
        }
    }

    /** A poll of {@code device}: when it began, whether the device answered, its sysUpTime and numeric values. */
    public record Poll(String tenant, String site, String device, Instant time, boolean reachable, String status, long sysUpTime, List<Value> values) {
    }

    /** {@code m} as a poll of {@code tenant}'s; a message that is none throws IllegalArgumentException. */
    public static Poll read(String tenant, Message m) throws JMSException {
        if (!(m instanceof TextMessage text) || text.getText() == null) {
            throw new IllegalArgumentException("not a metrics message: a " + m.getClass().getSimpleName() + " rather than JSON text");
        }
        JsonObject o;
        try {
            o = JsonLoader.readObject(new StringReader(text.getText()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a metrics message: its body is not a JSON object");
        }
        if (o.getInt("format", 0) != 1) {
            throw new IllegalArgumentException("a metrics message of format " + o.get("format") + ", which this consumer does not know");
        }
        Instant time;
        try {
            time = Instant.parse(o.getString("time"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a metrics message: no ISO-8601 time");
        }
        List<Value> values = new ArrayList<>();
        JsonArray array = o.containsKey("values") ? o.getJsonArray("values") : null;
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                JsonObject v = array.getJsonObject(i);
                JsonValue raw = v.get("value");
                if (raw instanceof JsonNumber n) {
                    // Counter64 goes up to 2^64 - 1: kept as the unsigned bits of a long
                    long bits = n.bigIntegerValue().longValue();
                    values.add(new Value(v.getString("name"), v.getString("instance", ""), v.getString("label", ""), v.getString("type", ""), bits));
                }
            }
        }
        long upTime = o.containsKey("sysUpTime") && o.get("sysUpTime") instanceof JsonNumber n ? n.longValue() : -1;
        String device = o.getString("device", null);
        if (device == null) {
            throw new IllegalArgumentException("not a metrics message: it has no device");
        }
        return new Poll(tenant, o.getString("site", ""), device, time, o.getBoolean("reachable", false), o.getString("status", ""), upTime, values);
    }
}
