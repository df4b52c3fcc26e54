package io.junction.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing: after {@code threshold} failed logins in a row from one address, every login from
 * it is refused unchecked for a penalty that starts at {@code first} and doubles with each further failure up to
 * {@code longest}. A successful login clears the address.
 */
final class LoginThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
    private static final int MAX_TRACKED = 10_000;

    private final int threshold;
    private final Duration first;
    private final Duration longest;
    private final Map<String, State> sources = new ConcurrentHashMap<>();

    private record State(int failures, long penaltyMillis, long blockedUntilNanos) {
    }

    LoginThrottle(int threshold, Duration first, Duration longest) {
        this.threshold = threshold;
        this.first = first;
        this.longest = longest;
    }

    /** Whether logins from {@code source} are being refused right now. */
    boolean blocked(String source) {
        State s = sources.get(source);
        return s != null && s.blockedUntilNanos() - System.nanoTime() > 0;
    }

    void failed(String source) {
        if (sources.size() > MAX_TRACKED) {
            long now = System.nanoTime();
            sources.values().removeIf(s -> s.blockedUntilNanos() - now <= 0);
        }
        State next = sources.compute(source, (k, s) -> {
            int failures = s == null ? 1 : s.failures() + 1;
            if (failures < threshold) {
                return new State(failures, 0, 0);
            }
            long penalty = s == null || s.penaltyMillis() == 0 ? first.toMillis() : Math.min(longest.toMillis(), s.penaltyMillis() * 2);
            return new State(failures, penalty, System.nanoTime() + penalty * 1_000_000);
        });
        if (next.penaltyMillis() > 0) {
            LOG.warn("{} failed logins in a row from {}: refusing its logins for {} ms", next.failures(), source, next.penaltyMillis());
        }
    }

    void succeeded(String source) {
        sources.remove(source);
    }

    /** The host part of a remote address such as {@code /127.0.0.1:54321} or {@code [::1]:5672}. */
    static String host(String remoteAddress) {
        String a = remoteAddress.startsWith("/") ? remoteAddress.substring(1) : remoteAddress;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end > 0 ? a.substring(1, end) : a;
        }
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }
}
