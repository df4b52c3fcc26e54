package io.junction.client;

import java.util.List;
import java.util.Locale;

/**
 * Artemis CORE URLs for Junction clients. A cluster URL lists every broker, follows the HA topology, reconnects
 * forever with a short interval, and notices a dead connection within a few seconds.
 *
 * <p>Each broker in the list is named as the broker names itself in the topology ({@link #connectorName}). A client
 * that fails over to a backup it learnt of from the topology then connects with its own parameters for that name (its
 * TLS truststore, say) rather than with the ones the broker advertised, which carry no secrets and no paths. For the
 * same reason new connections start from the listed brokers, not from the topology.
 */
public final class ClientUrls {
    /** Failure detection and retry settings, chosen to be well inside the lock manager's session. */
    static final String HA_PARAMETERS = "ha=true&reconnectAttempts=-1&retryInterval=100&retryIntervalMultiplier=1"
            + "&clientFailureCheckPeriod=1000&connectionTTL=3000&callTimeout=30000&useTopologyForLoadBalancing=false";

    private ClientUrls() {
    }

    /** {@code (tcp://a?name=..,tcp://b?name=..)?ha=true&...} for the given broker URLs ({@code tcp://host:port}). */
    public static String cluster(List<String> brokers) {
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("a cluster URL needs at least one broker");
        }
        List<String> named = brokers.stream().map(b -> b + (b.contains("?") ? "&" : "?") + "name=" + connectorName(b)).toList();
        return "(" + String.join(",", named) + ")?" + HA_PARAMETERS;
    }

    /**
     * The name under which the broker at {@code url} ({@code tcp://host:port}, parameters ignored) advertises its
     * connector: {@code junction-HOST-PORT} with every character other than a letter or digit of the host turned into
     * {@code -}.
     */
    public static String connectorName(String url) {
        String address = url.replaceFirst("^[a-z]+://", "").split("\\?", 2)[0];
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("not a tcp://host:port URL: " + url);
        }
        String host = address.substring(0, colon).replaceAll("[^A-Za-z0-9]", "-").toLowerCase(Locale.ROOT);
        return "junction-" + host + "-" + address.substring(colon + 1);
    }

    /** {@code url} with the value of every {@code ...Password} parameter replaced by {@code ***}, for output and logs. */
    public static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&,)]*", "$1***");
    }
}
