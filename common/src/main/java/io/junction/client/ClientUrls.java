package io.junction.client;

import java.util.List;

/**
 * Artemis CORE URLs for Junction clients. A cluster URL lists every broker, follows the HA topology, reconnects
 * forever with a short interval, and notices a dead connection within a few seconds.
 */
public final class ClientUrls {
    /** Failure detection and retry settings, chosen to be well inside the lock manager's session. */
    static final String HA_PARAMETERS = "ha=true&reconnectAttempts=-1&retryInterval=100&retryIntervalMultiplier=1"
            + "&clientFailureCheckPeriod=1000&connectionTTL=3000&callTimeout=30000";

    private ClientUrls() {
    }

    /** {@code (tcp://a,tcp://b)?ha=true&...} for the given broker URLs ({@code tcp://host:port}). */
    public static String cluster(List<String> brokers) {
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("a cluster URL needs at least one broker");
        }
        return "(" + String.join(",", brokers) + ")?" + HA_PARAMETERS;
    }
}
