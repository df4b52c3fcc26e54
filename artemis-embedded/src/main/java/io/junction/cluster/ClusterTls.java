package io.junction.cluster;

import io.junction.config.Config;
import io.junction.node.NodeConfig;
import io.junction.node.Tls;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TLS between the brokers of a cluster. Artemis sends the connector a broker advertises, with all its parameters, to
 * every client that asks for the topology, before any login; so the advertised connectors say only
 * {@code sslEnabled=true}, and the node's keystore and trust store reach its own connectors (the cluster connection's
 * bridges and replication) through the {@code org.apache.activemq.ssl.*} system properties, which Artemis's connectors
 * prefer to their parameters. Those hold for the whole JVM: one TLS cluster node, or several sharing their stores,
 * per process.
 */
final class ClusterTls implements AutoCloseable {
    private static final String PREFIX = "org.apache.activemq.ssl.";
    private static Map<String, String> installed;
    /** What the properties held before the first node set them, restored when the last one closes. */
    private static Map<String, String> previous;
    private static int users;

    private final boolean enabled;
    private boolean closed;

    private ClusterTls(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Checks the node's stores (a one-line {@code ConfigException} naming the key at fault) and, with TLS on, points the
     * JVM's Artemis connectors at them until {@link #close()}.
     */
    static ClusterTls install(Config config, String host) {
        Tls.check(config);
        if (!Tls.enabled(config)) {
            return new ClusterTls(false);
        }
        Tls.checkClusterCertificate(config, host);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(PREFIX + "keyStore", Tls.keyStore(config).toString());
        properties.put(PREFIX + "keyStorePassword", config.get(NodeConfig.TLS_KEYSTORE_PASSWORD));
        properties.put(PREFIX + "trustStore", Tls.clusterTrustStore(config).toString());
        properties.put(PREFIX + "trustStorePassword", Tls.clusterTrustStorePassword(config));
        synchronized (ClusterTls.class) {
            if (installed != null && !installed.equals(properties)) {
                throw new IllegalStateException("another cluster node in this process uses other TLS stores; run each node in its own process");
            }
            if (installed == null) {
                previous = new LinkedHashMap<>();
                properties.keySet().forEach(k -> previous.put(k, System.getProperty(k)));
            }
            installed = properties;
            users++;
            properties.forEach(System::setProperty);
        }
        return new ClusterTls(true);
    }

    /** The query a broker's connector URL carries: {@code ?sslEnabled=true} with TLS, else nothing. */
    String connectorQuery() {
        return enabled ? "?sslEnabled=true" : "";
    }

    @Override
    public void close() {
        synchronized (ClusterTls.class) {
            if (!enabled || closed) {
                return;
            }
            closed = true;
            if (--users == 0) {
                previous.forEach((k, v) -> {
                    if (v == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, v);
                    }
                });
                installed = null;
                previous = null;
            }
        }
    }
}
