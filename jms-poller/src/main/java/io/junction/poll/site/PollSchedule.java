package io.junction.poll.site;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * When a device is due: on a grid of its interval, shifted by an offset derived from its identity, so that a site's
 * devices spread over the interval and every poller computes the same due times for a device. A due time is also the
 * device's slot: the poll message, the metrics and the events of one slot carry ids derived from it, so that two
 * pollers that both poll a device in one slot (one took over from the other) store one of each.
 */
public final class PollSchedule {
    private PollSchedule() {
    }

    /** The device's offset in its interval, in milliseconds: the same for every poller. */
    public static long offset(String identity, long intervalMs) {
        CRC32 crc = new CRC32();
        crc.update(identity.getBytes(StandardCharsets.UTF_8));
        return Math.floorMod(crc.getValue(), intervalMs);
    }

    /** The first due time strictly after {@code after} (epoch ms). */
    public static long nextDue(String identity, long intervalMs, long after) {
        long offset = offset(identity, intervalMs);
        long k = Math.floorDiv(after - offset, intervalMs) + 1;
        return k * intervalMs + offset;
    }

    public static String pollId(String identity, long due) {
        return "poll/" + identity + "/" + due;
    }

    public static String metricsId(String identity, long due) {
        return "metrics/" + identity + "/" + due;
    }

    public static String eventId(String identity, long due, String type, String instance) {
        return "event/" + identity + "/" + due + "/" + type + "/" + instance;
    }
}
