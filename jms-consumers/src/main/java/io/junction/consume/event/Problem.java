package io.junction.consume.event;

import java.time.Instant;

/**
 * One problem as the event manager keeps it: what it is about ({@link #key}), how serious, how often it was seen,
 * and whether it is still open.
 *
 * @param type       the type of the event that opened it ({@code device-unreachable}, {@code flapping}, ...)
 * @param count      events of it seen (the first included)
 * @param suppressed events of the device that this problem explains and that opened nothing (its interfaces, its traps)
 * @param closedAt   when its recovery came, or null while it is open
 */
public record Problem(long id, String tenant, String site, String device, String type, String instance, String severity, int count,
                      int suppressed, Instant firstSeen, Instant lastSeen, Instant closedAt) {
    public boolean open() {
        return closedAt == null;
    }

    /** Tenant, device, type and instance: what makes two events one problem. */
    public String key() {
        return Correlator.key(tenant, device, type, instance);
    }

    Problem seenAgain(Instant at) {
        return new Problem(id, tenant, site, device, type, instance, severity, count + 1, suppressed, firstSeen, at, closedAt);
    }

    Problem explained() {
        return new Problem(id, tenant, site, device, type, instance, severity, count, suppressed + 1, firstSeen, lastSeen, closedAt);
    }

    Problem closed(Instant at) {
        return new Problem(id, tenant, site, device, type, instance, severity, count, suppressed, firstSeen, lastSeen, at);
    }
}
