package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.poll.site.DeviceState;
import io.junction.poll.site.PollSchedule;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.Test;

/** Each transition reported once, from the state the poll message carried; every poller computes one schedule. */
class DeviceStateTest {
    private static final Device CORE = new Device("acme", "hq", "core-1", "10.0.0.1", 161, SnmpSettings.community(SnmpVersion.V2C, "c"),
            List.of("interfaces"), Duration.ofSeconds(60));

    private static PollResult up(long sysUpTime, long if1, long if2) {
        return new PollResult(CORE, 0, 5, PollResult.Status.UP, "", sysUpTime, List.of(
                new PollResult.Value("ifOperStatus", "1", "ge-0/0/1", "Integer32", if1),
                new PollResult.Value("ifOperStatus", "2", "ge-0/0/2", "Integer32", if2)), 2);
    }

    private static PollResult down() {
        return new PollResult(CORE, 0, 6000, PollResult.Status.UNREACHABLE, "no answer", null, List.of(), 1);
    }

    private static List<String> types(DeviceState before, PollResult r) {
        return before.transitions(r).stream().map(t -> t.type() + (t.instance().isEmpty() ? "" : ":" + t.label())).toList();
    }

    @Test
    void eachChangeIsReportedOnceAndAFirstPollIsABaseline() {
        DeviceState first = DeviceState.UNKNOWN;
        assertEquals(List.of(), types(first, up(100, 1, 2)), "a first poll of an answering device reports nothing, a down port included");
        DeviceState s1 = first.after(up(100, 1, 2));
        assertEquals(List.of(), types(s1, up(200, 1, 2)));
        assertEquals(List.of("interface-down:ge-0/0/1", "interface-up:ge-0/0/2"), types(s1, up(300, 2, 1)));
        DeviceState s2 = s1.after(up(300, 2, 1));
        assertEquals(List.of("device-unreachable"), types(s2, down()));
        DeviceState s3 = s2.after(down());
        assertEquals(List.of(), types(s3, down()), "still unreachable: nothing new");
        assertEquals(List.of("device-reachable", "device-restarted", "interface-up:ge-0/0/1"), types(s3.after(down()), up(50, 1, 1)),
                "back, restarted (sysUpTime went back), its port up again");
        assertEquals(List.of("device-unreachable"), types(DeviceState.UNKNOWN, down()), "a first poll reports a device that does not answer");
    }

    @Test
    void theStateRidesInThePollMessageAsJson() {
        DeviceState s = DeviceState.UNKNOWN.after(up(100, 1, 2));
        String json = io.junction.client.Json.write(s.json());
        assertEquals(s, DeviceState.of(JsonLoader.readObject(new StringReader(json))));
        assertEquals(DeviceState.UNKNOWN, DeviceState.of(null));
    }

    @Test
    void everyPollerComputesTheSameDueTimesSpreadOverTheInterval() {
        long interval = 60_000;
        long now = 1_764_612_000_123L;
        long due = PollSchedule.nextDue(CORE.identity(), interval, now);
        assertTrue(due > now && due <= now + interval);
        assertEquals(due, PollSchedule.nextDue(CORE.identity(), interval, due - 1));
        assertEquals(due + interval, PollSchedule.nextDue(CORE.identity(), interval, due), "strictly after");
        assertEquals(Math.floorMod(due, interval), PollSchedule.offset(CORE.identity(), interval));
        long other = PollSchedule.offset("acme/hq/10.0.0.2:161", interval);
        assertTrue(other != PollSchedule.offset(CORE.identity(), interval), "two devices of a site are spread over the interval");
        assertEquals("metrics/acme/hq/10.0.0.1:161/" + due, PollSchedule.metricsId(CORE.identity(), due));
    }
}
