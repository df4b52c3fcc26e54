package io.junction.client;

import java.util.List;
import java.util.Locale;

/**
 * Artemis CORE URLs for Junction clients. A cluster URL lists every broker, follows the HA topology, reconnects
 * forever with a short interval, and notices a dead connection within a few seconds.
 *
 * <p>A TLS cluster advertises its brokers in the topology without stores or passwords, so its URL ({@link
 * #namedCluster}) names each broker as the broker names itself ({@link #connectorName}): a client that fails over to a
 * backup it learnt of from the topology then connects with its own parameters for that name (its TLS truststore, say)
 * rather than with the ones the broker advertised, and new connections start from the listed brokers, not from the
 * topology.
 */
public final class ClientUrls {
    /** Failure detection and retry settings, chosen to be well inside the lock manager's session. */
    static final String HA_PARAMETERS = "ha=true&reconnectAttempts=-1&retryInterval=100&retryIntervalMultiplier=1"
            + "&clientFailureCheckPeriod=1000&connectionTTL=3000&callTimeout=5000&callFailoverTimeout=5000";

    private ClientUrls() {
    }

    /** {@code (tcp://a,tcp://b)?ha=true&...} for the given broker URLs ({@code tcp://host:port}). */
    public static String cluster(List<String> brokers) {
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("a cluster URL needs at least one broker");
        }
        return "(" + String.join(",", brokers) + ")?" + HA_PARAMETERS;
    }

    /** {@code (tcp://a?name=..,tcp://b?name=..)?ha=true&...&useTopologyForLoadBalancing=false}: for a TLS cluster. */
    public static String namedCluster(List<String> brokers) {
        return cluster(brokers.stream().map(b -> b + (b.contains("?") ? "&" : "?") + "name=" + connectorName(b)).toList())
                + "&useTopologyForLoadBalancing=false";
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

    /**
     * {@code url} with its brokers in a new order: the one at {@code first} (a {@code host:port}, or null) first, the
     * one at {@code last} last, the others as they were; and the brokers then tried in that order rather than from a
     * random one ({@link InOrderPolicy}). A URL of one broker, or without them, comes back as it was.
     */
    public static String preferring(String url, String first, String last) {
        if (!url.startsWith("(") || url.indexOf(')') < 0) {
            return url;
        }
        int close = url.indexOf(')');
        List<String> brokers = new java.util.ArrayList<>(List.of(url.substring(1, close).split(",")));
        java.util.Comparator<String> order = java.util.Comparator.comparingInt(
                b -> hostPort(b).equals(first) ? 0 : hostPort(b).equals(last) ? 2 : 1);
        brokers.sort(order);
        String query = url.substring(close + 1).replaceAll("[?&]connectionLoadBalancingPolicyClassName=[^&]*", "")
                .replaceFirst("^&", "?");
        String policy = "connectionLoadBalancingPolicyClassName=" + InOrderPolicy.class.getName();
        return "(" + String.join(",", brokers) + ")" + (query.startsWith("?") ? query + "&" : "?") + policy;
    }

    /** {@code host:port} of a {@code tcp://host:port?...} URL. */
    static String hostPort(String url) {
        return url.trim().replaceFirst("^[a-z]+://", "").split("\\?", 2)[0];
    }

    /** {@code url} with the value of every {@code ...Password} parameter replaced by {@code ***}, for output and logs. */
    public static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&,)]*", "$1***");
    }
}
