package io.junction.poll.trap;

import io.junction.client.Json;
import io.junction.poll.message.MetricsMessage;
import io.junction.poll.site.EventMessage;
import io.junction.poll.snmp.Device;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events a trap receiver publishes to {@code tenant.ID.events}, in the form of a poller's events
 * ({@link EventMessage}: JSON, with the properties {@code kind}, {@code tenant}, {@code site}, {@code device} when
 * known, {@code type} and {@code severity}): {@code trap} (a trap or inform of a device of the site),
 * {@code trap-unknown-sender} (the first trap of a sender that is no device of the site, once an hour per sender) and
 * {@code trap-storm} (the traps of one sender dropped over its rate limit, once per storm). Documented in
 * docs/messages.md.
 */
record TrapEvent(String id, String type, String severity, String tenant, String site, Device device, String address, long time,
                 Map<String, Object> trap, String detail) {
    static final String TRAP = "trap";
    static final String UNKNOWN_SENDER = "trap-unknown-sender";
    static final String STORM = "trap-storm";

    Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kind", EventMessage.KIND);
        p.put("tenant", tenant);
        p.put("site", site);
        if (device != null) {
            p.put("device", device.name());
        }
        p.put("type", type);
        p.put("severity", severity);
        p.put(MetricsMessage.GROUP, site + "/" + (device != null ? device.name() : "@" + address));
        return p;
    }

    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", EventMessage.FORMAT);
        m.put("kind", EventMessage.KIND);
        m.put("type", type);
        m.put("severity", severity);
        m.put("tenant", tenant);
        m.put("site", site);
        if (device != null) {
            m.put("device", device.name());
        }
        m.put("address", address);
        m.put("time", Instant.ofEpochMilli(time).toString());
        if (trap != null) {
            m.put("trap", trap);
        }
        if (detail != null && !detail.isEmpty()) {
            m.put("detail", detail);
        }
        return Json.write(m);
    }
}
