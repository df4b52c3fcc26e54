package io.junction.poll.site;

import io.junction.client.Json;
import io.junction.poll.message.MetricsMessage;
import io.junction.poll.snmp.Device;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A status change a poll found, as the message a poller publishes to {@code tenant.ID.events}: JSON with the
 * properties {@code kind} ({@code event}), {@code tenant}, {@code site}, {@code device}, {@code type} and
 * {@code severity}. Documented in docs/messages.md.
 */
public final class EventMessage {
    public static final String KIND = "event";
    public static final int FORMAT = 1;

    private EventMessage() {
    }

    public static Map<String, String> properties(Device d, DeviceState.Transition t) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kind", KIND);
        p.put("tenant", d.tenant());
        p.put("site", d.site());
        p.put("device", d.name());
        p.put("type", t.type());
        p.put("severity", t.severity());
        p.put(MetricsMessage.GROUP, d.site() + "/" + d.name());
        return p;
    }

    public static String json(Device d, long pollTime, DeviceState.Transition t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("kind", KIND);
        m.put("type", t.type());
        m.put("severity", t.severity());
        m.put("tenant", d.tenant());
        m.put("site", d.site());
        m.put("device", d.name());
        m.put("address", d.address());
        m.put("port", d.port());
        m.put("time", Instant.ofEpochMilli(pollTime).toString());
        if (!t.instance().isEmpty()) {
            m.put("instance", t.instance());
        }
        if (!t.label().isEmpty()) {
            m.put("label", t.label());
        }
        if (!t.detail().isEmpty()) {
            m.put("detail", t.detail());
        }
        return Json.write(m);
    }
}
