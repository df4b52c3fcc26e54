package io.junction.poll.message;

import io.junction.client.Json;
import io.junction.poll.snmp.PollResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A poll's result as the message a poller publishes to {@code tenant.ID.metrics}: JSON text, with the properties a
 * consumer selects on ({@link #PROPERTIES}). Counters go out raw: consumers compute rates, and tell a wrap from a
 * restart by sysUpTime. The format is documented, with an example, in docs/messages.md.
 */
public final class MetricsMessage {
    /** The message properties every poller message carries, for selectors: {@code kind = 'metrics' AND device = 'core-1'}. */
    public static final List<String> PROPERTIES = List.of("kind", "tenant", "site", "device");
    public static final String KIND = "metrics";
    /**
     * The JMS message group of a device's messages ({@code SITE/DEVICE}): a subscription that several consumer processes
     * share hands one device's messages to one of them at a time, in order.
     */
    public static final String GROUP = "JMSXGroupID";
    /** The version of this format; a consumer refuses a version it does not know. */
    public static final int FORMAT = 1;

    private MetricsMessage() {
    }

    /** The message's properties. */
    public static Map<String, String> properties(PollResult r) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kind", KIND);
        p.put("tenant", r.device().tenant());
        p.put("site", r.device().site());
        p.put("device", r.device().name());
        p.put(GROUP, r.device().site() + "/" + r.device().name());
        return p;
    }

    /** The message's text. */
    public static String json(PollResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("kind", KIND);
        m.put("tenant", r.device().tenant());
        m.put("site", r.device().site());
        m.put("device", r.device().name());
        m.put("address", r.device().address());
        m.put("port", r.device().port());
        m.put("time", Instant.ofEpochMilli(r.startedAt()).toString());
        m.put("durationMs", r.durationMs());
        m.put("reachable", r.status() == PollResult.Status.UP);
        m.put("status", r.status().name());
        if (!r.detail().isEmpty()) {
            m.put("detail", r.detail());
        }
        m.put("sysUpTime", r.sysUpTime());
        List<Object> values = new ArrayList<>(r.values().size());
        for (PollResult.Value v : r.values()) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("name", v.name());
            if (!v.instance().isEmpty()) {
                value.put("instance", v.instance());
            }
            if (!v.label().isEmpty()) {
                value.put("label", v.label());
            }
            value.put("type", v.type());
            value.put("value", v.value());
            values.add(value);
        }
        m.put("values", values);
        return Json.write(m);
    }
}
