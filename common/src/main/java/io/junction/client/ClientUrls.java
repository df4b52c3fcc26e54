package io.junction.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    /** Parameters that make a URL follow a cluster ({@link #HA_PARAMETERS}, and those of {@link #namedCluster}). */
    private static final Set<String> CLUSTER_PARAMETERS = Stream.concat(
            Arrays.stream(HA_PARAMETERS.split("&")).map(p -> p.split("=", 2)[0]), Stream.of("name", "useTopologyForLoadBalancing"))
            .collect(Collectors.toUnmodifiableSet());

    /** A short-lived client (a command) tries each listed broker once and gives up quickly, unless the URL says otherwise. */
    private static final List<String> QUICK = List.of("reconnectAttempts=0", "initialConnectAttempts=1", "callTimeout=15000");

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

    /**
     * {@code url} listing only the brokers at {@code hostPorts} that it lists, in that order, each with its own
     * parameters and the URL's; null when it lists none of them (or lists one broker alone).
     */
    public static String only(String url, String... hostPorts) {
        if (hostPorts == null || !url.startsWith("(") || url.indexOf(')') < 0) {
            return null;
        }
        int close = url.indexOf(')');
        List<String> kept = new java.util.ArrayList<>();
        for (String wanted : hostPorts) {
            if (wanted == null) {
                continue;
            }
            for (String b : url.substring(1, close).split(",")) {
                if (hostPort(b).equals(wanted) && !kept.contains(b.trim())) {
                    kept.add(b.trim());
                }
            }
        }
        return kept.isEmpty() ? null : "(" + String.join(",", kept) + ")" + url.substring(close + 1);
    }

    /**
     * Each broker a URL lists, as a URL of its own with the parameters that apply to it (TLS, say) but none that make
     * it follow a cluster: {@code (tcp://a:1?name=x,tcp://b:2)?ha=true&sslEnabled=true} gives {@code
     * tcp://a:1?sslEnabled=true} and {@code tcp://b:2?sslEnabled=true}. The inverse of {@link #cluster}.
     */
    public static List<String> brokers(String url) {
        String hosts = url;
        String outer = "";
        if (url.startsWith("(") && url.contains(")")) {
            int close = url.lastIndexOf(')');
            hosts = url.substring(1, close);
            outer = url.startsWith("?", close + 1) ? url.substring(close + 2) : "";
        }
        List<String> result = new ArrayList<>();
        for (String host : hosts.split(",")) {
            String[] parts = host.trim().split("\\?", 2);
            if (parts[0].isEmpty()) {
                continue;
            }
            List<String> kept = new ArrayList<>();
            for (String query : new String[] {outer, parts.length > 1 ? parts[1] : ""}) {
                for (String p : query.split("&")) {
                    if (!p.isEmpty() && !CLUSTER_PARAMETERS.contains(p.split("=", 2)[0])) {
                        kept.add(p);
                    }
                }
            }
            result.add(kept.isEmpty() ? parts[0] : parts[0] + "?" + String.join("&", kept));
        }
        return result;
    }

    /**
     * {@code url} for a short-lived client: each broker tried once, no reconnection, calls answered within 15 s,
     * except where the URL sets these itself.
     */
    public static String quick(String url) {
        return withDefaults(url, QUICK);
    }

    /** {@code url} with each {@code name=value} of {@code parameters} added unless the URL sets that name itself. */
    public static String withDefaults(String url, List<String> parameters) {
        int close = url.startsWith("(") ? url.lastIndexOf(')') : -1;
        String query = url.substring(close + 1);
        boolean hasQuery = query.indexOf('?') >= 0;
        StringBuilder u = new StringBuilder(url);
        for (String p : parameters) {
            if (!Pattern.compile("[?&]" + p.split("=")[0] + "=").matcher(query).find()) {
                u.append(hasQuery ? '&' : '?').append(p);
                hasQuery = true;
            }
        }
        return u.toString();
    }

    /**
     * {@code url} with TLS on and the given truststore (and its password, which may be null) for every broker it lists.
     */
    public static String withTrustStore(String url, String trustStore, String trustStorePassword) {
        int close = url.startsWith("(") ? url.lastIndexOf(')') : -1;
        String tls = "sslEnabled=true&trustStorePath=" + trustStore
                + (trustStorePassword == null || trustStorePassword.isEmpty() ? "" : "&trustStorePassword=" + trustStorePassword);
        return url + (url.substring(close + 1).contains("?") ? "&" : "?") + tls;
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
