package io.junction.security;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing: after {@code threshold} failed logins for one key (a source, or a source and a user)
 * with no gap of {@code memory} between them, every new login for it is refused unchecked for a penalty that starts
 * at {@code first} and doubles with each further failure up to {@code longest}. A key is forgotten after {@code memory}
 * without failures. Sources are IPv4 addresses or IPv6 /64 prefixes ({@link #source}).
 */
final class LoginThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
    private static final int MAX_TRACKED = 10_000;

    private final int threshold;
    private final Duration first;
    private final Duration longest;
    private final long memoryNanos;
    private final Map<String, State> sources = new ConcurrentHashMap<>();

    private record State(int failures, long penaltyMillis, long blockedUntilNanos, long lastFailureNanos) {
    }

    private final java.time.Clock clock;

    LoginThrottle(int threshold, Duration first, Duration longest, Duration memory, java.time.Clock clock) {
        this.clock = clock;
        this.threshold = threshold;
        this.first = first;
        this.longest = longest;
        this.memoryNanos = memory.toNanos();
    }

    private long now() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Whether new logins from {@code source} are being refused right now. */
    boolean blocked(String source) {
        State s = sources.get(source);
        return s != null && s.blockedUntilNanos() - now() > 0;
    }

    void failed(String source) {
        long now = now();
        if (sources.size() > MAX_TRACKED) {
            // only sources that have been quiet for the whole memory go: a penalty in force is never forgotten
            sources.values().removeIf(s -> now - s.lastFailureNanos() > memoryNanos && s.blockedUntilNanos() - now <= 0);
        }
        State next = sources.compute(source, (k, s) -> {
            State current = s == null || now - s.lastFailureNanos() > memoryNanos ? null : s;
            int failures = current == null ? 1 : current.failures() + 1;
            if (failures < threshold) {
                return new State(failures, 0, 0, now);
            }
            long penalty = current == null || current.penaltyMillis() == 0 ? first.toMillis() : Math.min(longest.toMillis(), current.penaltyMillis() * 2);
            return new State(failures, penalty, now + penalty * 1_000_000, now);
        });
        if (next.penaltyMillis() > 0) {
            LOG.warn("{} failed logins from {}: refusing its new logins for {} ms", next.failures(), source, next.penaltyMillis());
        }
    }

    /** Forgets the failures of {@code key}, unless it is serving a penalty. */
    void succeeded(String key) {
        sources.computeIfPresent(key, (k, s) -> s.blockedUntilNanos() - now() > 0 ? s : null);
    }

    /**
     * The source of a remote address such as {@code /127.0.0.1:54321} or {@code /[2001:db8::1]:5672}: the IPv4
     * address, or the /64 prefix of an IPv6 address (one host holds a whole /64).
     */
    static String source(String remoteAddress) {
        String a = remoteAddress.startsWith("/") ? remoteAddress.substring(1) : remoteAddress;
        String host;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            host = end > 0 ? a.substring(1, end) : a;
        } else {
            int colon = a.lastIndexOf(':');
            host = colon > 0 && a.indexOf(':') == colon ? a.substring(0, colon) : a;
        }
        if (!host.contains(":")) {
            return host;
        }
        try {
            byte[] bytes = InetAddress.getByName(host).getAddress();
            return bytes.length == 16 ? HexFormat.of().formatHex(bytes, 0, 8) + "::/64" : host;
        } catch (java.net.UnknownHostException e) {
            return host;
        }
    }
}
