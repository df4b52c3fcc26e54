package io.junction.poll.snmp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.snmp4j.Snmp;
import org.snmp4j.security.USM;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;

/**
 * The SNMPv3 side of a poller: each device's engine id, discovered once, and its user localized for that engine
 * alone, so that two devices with one user name and other keys (two tenants) never share keys. A device whose
 * discovery gets no answer is not asked again for a while (30 s, doubling up to 5 min): discovery blocks a thread.
 */
final class UsmEngines {
    private static final long FIRST_BACKOFF_MS = 30_000;
    private static final long LONGEST_BACKOFF_MS = 300_000;

    private final Snmp snmp;
    private final USM usm;
    private final Map<String, OctetString> engines = new ConcurrentHashMap<>();
    /** Who each (engine id, user) of the USM was localized for, with which settings: one entry per engine and user. */
    private final Map<String, Localized> localized = new ConcurrentHashMap<>();
    /** Devices whose engine discovery failed: when the next may be tried, and how long the one after waits. */
    private final Map<String, long[]> discoveryBackoff = new ConcurrentHashMap<>();

    private record Localized(String identity, SnmpSettings settings) {
    }

    /** Why a poll cannot go on: the status it ends with and the detail. */
    record Refusal(PollResult.Status status, String detail) {
    }

    UsmEngines(Snmp snmp, USM usm) {
        this.snmp = snmp;
        this.usm = usm;
    }

    /** Forgets a device's engine id, so that the next poll discovers it again. */
    void forget(Device device) {
        engines.remove(device.identity());
    }

    boolean known(Device device) {
        return engines.containsKey(device.identity());
    }

    OctetString engine(Device device) {
        return engines.get(device.identity());
    }

    /** {@link #localize} for a device whose engine is known. */
    String localizeKnown(Device device) {
        OctetString engine = engines.get(device.identity());
        return engine == null ? null : localize(device, engine);
    }

    /** When a device's failed discovery may be tried again, or null if it may now. */
    java.time.Instant backedOffUntil(Device device) {
        long[] backoff = discoveryBackoff.get(device.identity());
        return backoff != null && System.currentTimeMillis() < backoff[0] ? java.time.Instant.ofEpochMilli(backoff[0]) : null;
    }

    /** Null when the engine is known and the user localized for it, else why not. */
    Refusal discover(Device device, UdpAddress address) {
        SnmpSettings s = device.snmp();
        long waitedMs = s.timeout().toMillis() * (s.retries() + 1);
        byte[] id = snmp.discoverAuthoritativeEngineID(address, waitedMs);
        if (id == null || id.length == 0) {
            long[] before = discoveryBackoff.get(device.identity());
            long next = before == null ? FIRST_BACKOFF_MS : Math.min(LONGEST_BACKOFF_MS, before[1] * 2);
            discoveryBackoff.put(device.identity(), new long[] {System.currentTimeMillis() + next, next});
            return new Refusal(PollResult.Status.UNREACHABLE, "no answer to SNMPv3 engine discovery within " + waitedMs + " ms");
        }
        discoveryBackoff.remove(device.identity());
        OctetString engine = new OctetString(id);
        String conflict = localize(device, engine);
        if (conflict != null) {
            return new Refusal(PollResult.Status.ERROR, conflict);
        }
        engines.put(device.identity(), engine);
        return null;
    }

    /**
     * Makes the USM hold {@code device}'s user, localized for {@code engine} with its current keys. Null when done;
     * else why not: another device answers with the same engine id (a cloned agent) for the same user with other keys.
     */
    String localize(Device device, OctetString engine) {
        SnmpSettings s = device.snmp();
        String key = engine.toHexString() + "/" + s.user();
        String[] conflict = new String[1];
        localized.compute(key, (k, before) -> {
            if (before != null && before.settings().equals(s)) {
                return before;
            }
            if (before != null && !before.identity().equals(device.identity()) && engines.containsKey(before.identity())) {
                conflict[0] = "device " + device.identity() + " answers with the engine id " + engine.toHexString() + " of device " + before.identity()
                        + " (a cloned agent?) and user " + s.user() + " has other keys there; give each agent its own engine id";
                return before;
            }
            usm.removeAllUsers(new OctetString(s.user()), engine);
            usm.addUser(s.usmUser(), engine);
            return new Localized(device.identity(), s);
        });
        return conflict[0];
    }
}
