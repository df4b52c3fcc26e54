package io.junction.poll.site;

import io.junction.client.BusConnection;
import io.junction.client.Json;
import io.junction.client.ReliableSender;
import io.junction.client.TenantAddresses;
import io.junction.poll.snmp.Device;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A site's work queue ({@code tenant.ID.work.SITE}): each device's next poll, a message scheduled for its due time with
 * the device's last state, and seeds that start a device's chain of polls unless one runs.
 */
final class WorkQueue {
    private final String tenant;
    private final String site;
    private final Duration deadline;

    WorkQueue(String tenant, String site, Duration deadline) {
        this.tenant = tenant;
        this.site = site;
        this.deadline = deadline;
    }

    static String name(String tenant, String site) {
        return TenantAddresses.prefix(tenant) + "work." + site;
    }

    /** The poll of {@code d} due at {@code due}, going on from {@code state}: one per device and due time. */
    void sendPoll(BusConnection bus, Device d, long due, DeviceState state) throws JMSException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identity", d.identity());
        body.put("device", d.name());
        body.put("due", due);
        body.put("state", state.json());
        send(bus, d, body, due, PollSchedule.pollId(d.identity(), due));
    }

    /**
     * A seed for {@code d}: due half way between two of its due times, when a running chain has sent its next poll
     * message already, so that the seed's (sent when it is taken) is a duplicate and the chain keeps the device's state.
     * {@code state}: what the seeded chain starts from (null: nothing known).
     */
    void sendSeed(BusConnection bus, Device d, DeviceState state) throws JMSException {
        long interval = d.interval().toMillis();
        long due = PollSchedule.nextDue(d.identity(), interval, System.currentTimeMillis()) + interval / 2;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identity", d.identity());
        body.put("device", d.name());
        body.put("due", due);
        body.put("seed", true);
        if (state != null) {
            body.put("state", state.json());
        }
        send(bus, d, body, due, "seed/" + d.identity() + "/" + due);
    }

    private void send(BusConnection bus, Device d, Map<String, Object> body, long due, String id) throws JMSException {
        TextMessage m = bus.session().createTextMessage(Json.write(body));
        m.setStringProperty("kind", "poll");
        m.setStringProperty("device", d.name());
        m.setLongProperty("_AMQ_SCHED_DELIVERY", due);
        m.setStringProperty(ReliableSender.DUPLICATE_ID, id);
        new ReliableSender(bus, bus.session().createQueue(name(tenant, site)), deadline).send(m);
    }
}
