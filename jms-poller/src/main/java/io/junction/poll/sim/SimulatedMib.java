package io.junction.poll.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;

/**
 * The MIB every simulated device answers, in OID order: SNMPv2-MIB's system group, IF-MIB's ifNumber, ifTable and
 * ifXTable for {@code interfaces} interfaces, and HOST-RESOURCES-MIB's storage and processor tables. Nothing is stored
 * per object: each value is computed from the device's state and the time, so ten thousand devices cost their state
 * alone. Counters move at a rate that makes a 32-bit octet counter wrap every {@code wrapSeconds} (each interface a bit
 * slower than the last), the 64-bit ones at the same rate without wrapping; a restart sets them back to zero.
 */
final class SimulatedMib {
    static final OID SYS_UP_TIME = new OID("1.3.6.1.2.1.1.3.0");
    private static final String SYSTEM = "1.3.6.1.2.1.1.";
    private static final String IF_TABLE = "1.3.6.1.2.1.2.2.1.";
    private static final String IF_X_TABLE = "1.3.6.1.2.1.31.1.1.1.";
    private static final String STORAGE = "1.3.6.1.2.1.25.2.3.1.";
    private static final String PROCESSOR_LOAD = "1.3.6.1.2.1.25.3.3.1.2.";
    private static final int[] IF_COLUMNS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 16, 17, 19, 20};
    private static final int[] IF_X_COLUMNS = {1, 6, 7, 10, 11, 15, 18};
    private static final int[] STORAGE_COLUMNS = {1, 2, 3, 4, 5, 6};
    private static final String[] STORAGE_NAMES = {"Physical memory", "/"};
    /** hrDeviceIndex of the processors, as net-snmp numbers them. */
    private static final int FIRST_CPU = 196608;
    private static final int CPUS = 2;
    private static final long TWO_TO_32 = 1L << 32;
    private static final long IF_SPEED_BPS = 10_000_000_000L;

    /** What an object is: its group, column and row (interface, storage or processor index). */
    private record Entry(OID oid, char group, int column, int row) {
    }

    private final int interfaces;
    private final long wrapSeconds;
    private final OID[] oids;
    private final Entry[] entries;

    SimulatedMib(int interfaces, long wrapSeconds) {
        this.interfaces = interfaces;
        this.wrapSeconds = wrapSeconds;
        List<Entry> all = new ArrayList<>();
        for (int c = 1; c <= 6; c++) {
            all.add(new Entry(new OID(SYSTEM + c + ".0"), 's', c, 0));
        }
        all.add(new Entry(new OID("1.3.6.1.2.1.2.1.0"), 'n', 0, 0));
        for (int column : IF_COLUMNS) {
            for (int i = 1; i <= interfaces; i++) {
                all.add(new Entry(new OID(IF_TABLE + column + "." + i), 'i', column, i));
            }
        }
        for (int column : STORAGE_COLUMNS) {
            for (int s = 1; s <= STORAGE_NAMES.length; s++) {
                all.add(new Entry(new OID(STORAGE + column + "." + s), 'h', column, s));
            }
        }
        for (int p = 0; p < CPUS; p++) {
            all.add(new Entry(new OID(PROCESSOR_LOAD + (FIRST_CPU + p)), 'p', 2, FIRST_CPU + p));
        }
        for (int column : IF_X_COLUMNS) {
            for (int i = 1; i <= interfaces; i++) {
                all.add(new Entry(new OID(IF_X_TABLE + column + "." + i), 'x', column, i));
            }
        }
        all.sort((a, b) -> a.oid().compareTo(b.oid()));
        entries = all.toArray(Entry[]::new);
        oids = Arrays.stream(entries).map(Entry::oid).toArray(OID[]::new);
    }

    int interfaces() {
        return interfaces;
    }

    /** The number of objects a device has. */
    int size() {
        return oids.length;
    }

    /** The index of {@code oid}, or -1 if the device has no such object. */
    int indexOf(OID oid) {
        int i = Arrays.binarySearch(oids, oid);
        return i >= 0 ? i : -1;
    }

    /** The index of the first object after {@code oid} in OID order, or {@link #size} at the end of the MIB. */
    int indexAfter(OID oid) {
        int i = Arrays.binarySearch(oids, oid);
        return i >= 0 ? i + 1 : -i - 1;
    }

    OID oid(int index) {
        return oids[index];
    }

    /** The value of object {@code index} of {@code d} at {@code nowMs}. */
    Variable value(int index, SimulatedDevice d, long nowMs) {
        Entry e = entries[index];
        long upMs = Math.max(0, nowMs - d.bootedAt());
        return switch (e.group()) {
            case 's' -> system(e.column(), d, upMs);
            case 'n' -> new Integer32(interfaces);
            case 'i' -> ifTable(e.column(), e.row(), d, upMs);
            case 'x' -> ifXTable(e.column(), e.row(), d, upMs);
            case 'h' -> storage(e.column(), e.row(), d, upMs);
            default -> new Integer32((int) ((d.number() * 7 + e.row() + upMs / 10_000) % 100));
        };
    }

    private Variable system(int column, SimulatedDevice d, long upMs) {
        return switch (column) {
            case 1 -> new OctetString("Junction simulated device " + d.number() + " (" + interfaces + " interfaces)");
            case 2 -> new OID("1.3.6.1.4.1.8072.3.2.10");
            case 3 -> new TimeTicks(upMs / 10 % TWO_TO_32);
            case 4 -> new OctetString("noc@example.net");
            case 5 -> new OctetString(d.name());
            default -> new OctetString("simulator rack " + (d.number() % 100));
        };
    }

    /** Octets through interface {@code i} since the device booted: a 32-bit counter wraps every wrapSeconds or a bit more. */
    long octets(SimulatedDevice d, int i, long upMs, boolean in) {
        long perSecond = TWO_TO_32 / wrapSeconds * (100 - (i - 1) % 50) / 100;
        return (in ? perSecond : perSecond / 2) * upMs / 1000 + (d.number() % 1000);
    }

    private Variable ifTable(int column, int i, SimulatedDevice d, long upMs) {
        return switch (column) {
            case 1 -> new Integer32(i);
            case 2 -> new OctetString("Simulated Ethernet " + i);
            case 3 -> new Integer32(6);
            case 4 -> new Integer32(1500);
            case 5 -> new Gauge32(Math.min(IF_SPEED_BPS, TWO_TO_32 - 1));
            case 6 -> new OctetString(new byte[] {2, 0, (byte) (d.number() >> 16), (byte) (d.number() >> 8), (byte) d.number(), (byte) i});
            case 7 -> new Integer32(1);
            case 8 -> new Integer32(d.interfaceUp(i) ? 1 : 2);
            case 9 -> new TimeTicks(Math.max(0, d.lastChange(i) - d.bootedAt()) / 10 % TWO_TO_32);
            case 10 -> new Counter32(octets(d, i, upMs, true) % TWO_TO_32);
            case 11 -> new Counter32(octets(d, i, upMs, true) / 800 % TWO_TO_32);
            case 16 -> new Counter32(octets(d, i, upMs, false) % TWO_TO_32);
            case 17 -> new Counter32(octets(d, i, upMs, false) / 800 % TWO_TO_32);
            // errors and discards: a few now and then
            default -> new Counter32(upMs / 60_000 * (column % 3) % TWO_TO_32);
        };
    }

    private Variable ifXTable(int column, int i, SimulatedDevice d, long upMs) {
        return switch (column) {
            case 1 -> new OctetString("eth" + (i - 1));
            case 6 -> new Counter64(octets(d, i, upMs, true));
            case 7 -> new Counter64(octets(d, i, upMs, true) / 800);
            case 10 -> new Counter64(octets(d, i, upMs, false));
            case 11 -> new Counter64(octets(d, i, upMs, false) / 800);
            case 15 -> new Gauge32(IF_SPEED_BPS / 1_000_000);
            default -> new OctetString("uplink " + i + " of " + d.name());
        };
    }

    private Variable storage(int column, int s, SimulatedDevice d, long upMs) {
        long size = s == 1 ? 4_194_304 : 26_214_400;
        return switch (column) {
            case 1 -> new Integer32(s);
            case 2 -> new OID(s == 1 ? "1.3.6.1.2.1.25.2.1.2" : "1.3.6.1.2.1.25.2.1.4");
            case 3 -> new OctetString(STORAGE_NAMES[s - 1]);
            case 4 -> new Integer32(s == 1 ? 1024 : 4096);
            case 5 -> new Integer32((int) size);
            default -> new Integer32((int) (size / 3 + (upMs / 1000 + d.number()) % (size / 3)));
        };
    }
}
