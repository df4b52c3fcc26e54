package io.junction.poll.snmp;

import java.util.List;

/**
 * What one poll of a device found.
 *
 * @param startedAt  when the poll began, in milliseconds since the epoch: the time the values belong to
 * @param durationMs how long it took
 * @param status     whether the device answered, and if not why not
 * @param detail     for a device that did not answer properly, what went wrong in words; else empty
 * @param sysUpTime  the device's sysUpTime in hundredths of a second, or null if it was not read
 * @param values     every value read, scalars first, then each table row by row
 * @param requests   SNMP requests the poll sent (retries not counted)
 */
public record PollResult(Device device, long startedAt, long durationMs, Status status, String detail, Long sysUpTime,
                         List<Value> values, int requests) {
    /** Whether a device answered. */
    public enum Status {
        /** It answered (some objects may be missing: an agent need not implement every one). */
        UP,
        /** It did not answer within the timeout and retries: down, unreachable, or a community it does not accept. */
        UNREACHABLE,
        /** It refused the SNMPv3 credentials (unknown user, wrong key, engine id mismatch): the detail says which. */
        AUTH_FAILURE,
        /** It answered with an error that ended the poll, or the request could not be sent: the detail says which. */
        ERROR
    }

    /**
     * One value: the name the profile gives it, its instance (what follows the column's OID: an ifIndex; empty for a
     * scalar), its row's label (an ifName; empty if none), its SNMP type, and its value (a number for numeric types, a
     * string otherwise: text if printable, else hex {@code 0a:1b:...}).
     */
    public record Value(String name, String instance, String label, String type, Object value) {
    }

    public PollResult {
        values = List.copyOf(values);
    }
}
