package io.junction.poll.site;

import io.junction.client.TenantAddresses;
import io.junction.poll.message.MetricsMessage;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.spool.Spooled;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages one poll of a device makes, whether they go to the bus at once or to the spool first: its metrics, then
 * an event for each transition from the device's last state, each with a duplicate-detection id derived from the device
 * and the due time, so that two polls of one slot (a takeover, a forwarded spool) are stored once.
 */
final class PollMessages {
    private PollMessages() {
    }

    static List<Spooled> of(Device d, long due, DeviceState before, PollResult r) {
        List<Spooled> out = new ArrayList<>();
        out.add(new Spooled(r.startedAt(), TenantAddresses.metrics(d.tenant()), PollSchedule.metricsId(d.identity(), due),
                MetricsMessage.properties(r), MetricsMessage.json(r), null));
        for (DeviceState.Transition t : before.transitions(r)) {
            out.add(new Spooled(r.startedAt(), TenantAddresses.events(d.tenant()), PollSchedule.eventId(d.identity(), due, t.type(), t.instance()),
                    EventMessage.properties(d, t), EventMessage.json(d, r.startedAt(), t), null));
        }
        return out;
    }

    /**
     * {@link #of} for the spool: its last record notes the device's state after the poll, so that a poller restarted
     * during the outage goes on from the state its spooled events were reported from, not the older one in held.json.
     */
    static List<Spooled> spooled(Device d, long due, DeviceState before, PollResult r) {
        List<Spooled> out = of(d, due, before, r);
        java.util.Map<String, Object> note = new java.util.LinkedHashMap<>();
        note.put("identity", d.identity());
        note.put("due", due);
        note.put("state", before.after(r).json());
        out.set(out.size() - 1, out.get(out.size() - 1).withNote(io.junction.client.Json.write(note)));
        return out;
    }
}
