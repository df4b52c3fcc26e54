package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.poll.message.MetricsMessage;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import java.io.StringReader;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.Test;

/** The metrics message is JSON any consumer can read back, with every value's name, instance, label, type and raw value. */
class MetricsMessageTest {
    private static final Device CORE = new Device("acme", "hq", "core-1", "10.0.0.1", 161,
            SnmpSettings.community(SnmpVersion.V2C, "secret-community"), List.of("interfaces"), Duration.ofSeconds(60));

    @Test
    void aPollReadsBackWithItsValuesAndNoSecret() {
        BigInteger nearWrap = new BigInteger("18446744073709551615");
        PollResult r = new PollResult(CORE, 1_764_612_000_123L, 42, PollResult.Status.UP, "", 123_456L, List.of(
                new PollResult.Value("sysUpTime", "", "", "TimeTicks", 123_456L),
                new PollResult.Value("ifHCInOctets", "3", "ge-0/0/1 \"uplink\"", "Counter64", nearWrap),
                new PollResult.Value("ifOperStatus", "3", "ge-0/0/1 \"uplink\"", "Integer32", 1L)), 3);
        String text = MetricsMessage.json(r);
        assertFalse(text.contains("secret-community"), text);
        JsonObject m = JsonLoader.readObject(new StringReader(text));
        assertEquals(MetricsMessage.FORMAT, m.getInt("format"));
        assertEquals("acme", m.getString("tenant"));
        assertEquals("core-1", m.getString("device"));
        assertEquals("2025-12-01T18:00:00.123Z", m.getString("time"));
        assertTrue(m.getBoolean("reachable"));
        assertEquals(123_456L, m.getJsonNumber("sysUpTime").longValue());
        JsonObject counter = m.getJsonArray("values").getJsonObject(1);
        assertEquals("3", counter.getString("instance"));
        assertEquals("ge-0/0/1 \"uplink\"", counter.getString("label"));
        assertEquals(nearWrap, counter.getJsonNumber("value").bigIntegerValueExact(), "a Counter64 keeps all 64 unsigned bits");
        assertEquals(List.of("kind", "tenant", "site", "device", "JMSXGroupID"), List.copyOf(MetricsMessage.properties(r).keySet()));
    }

    @Test
    void anUnreachableDeviceSaysWhy() {
        PollResult r = new PollResult(CORE, 0, 6000, PollResult.Status.UNREACHABLE, "no answer within 3000 ms x2", null, List.of(), 1);
        JsonObject m = JsonLoader.readObject(new StringReader(MetricsMessage.json(r)));
        assertFalse(m.getBoolean("reachable"));
        assertEquals("UNREACHABLE", m.getString("status"));
        assertEquals("no answer within 3000 ms x2", m.getString("detail"));
        assertTrue(m.isNull("sysUpTime"));
        assertTrue(m.getJsonArray("values").isEmpty());
    }
}
