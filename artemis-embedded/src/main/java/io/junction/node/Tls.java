package io.junction.node;

import io.junction.config.Config;
import io.junction.config.ConfigKey;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS on a node's acceptors, from the {@code tls.*} keys: checked at start-up (each store opens with its password and
 * holds what it must), then turned into Artemis acceptor parameters.
 */
public final class Tls {
    private Tls() {
    }

    public static boolean enabled(Config config) {
        return !config.get(NodeConfig.TLS_KEYSTORE).isBlank();
    }

    /** Refuses, naming the key, a store that is missing, unreadable, locked by another password or empty. */
    public static void check(Config config) {
        boolean clientAuth = !config.get(NodeConfig.TLS_CLIENT_AUTH).equals("none");
        if (!enabled(config)) {
            if (clientAuth || !config.get(NodeConfig.TLS_TRUSTSTORE).isBlank()) {
                throw config.invalid(clientAuth ? NodeConfig.TLS_CLIENT_AUTH : NodeConfig.TLS_TRUSTSTORE, "needs tls.keystore: TLS is off");
            }
            return;
        }
        KeyStore keys = open(config, NodeConfig.TLS_KEYSTORE, NodeConfig.TLS_KEYSTORE_PASSWORD);
        try {
            if (Collections.list(keys.aliases()).stream().noneMatch(a -> isKey(keys, a))) {
                throw config.invalid(NodeConfig.TLS_KEYSTORE, "holds no private key with its certificate");
            }
        } catch (GeneralSecurityException e) {
            throw config.invalid(NodeConfig.TLS_KEYSTORE, "cannot be read: " + e.getMessage());
        }
        if (clientAuth && config.get(NodeConfig.TLS_TRUSTSTORE).isBlank()) {
            throw config.invalid(NodeConfig.TLS_CLIENT_AUTH, "needs tls.truststore, the certificates of the clients to trust");
        }
        if (!config.get(NodeConfig.TLS_TRUSTSTORE).isBlank()) {
            open(config, NodeConfig.TLS_TRUSTSTORE, NodeConfig.TLS_TRUSTSTORE_PASSWORD);
        }
    }

    private static boolean isKey(KeyStore keys, String alias) {
        try {
            return keys.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore open(Config config, ConfigKey<String> file, ConfigKey<String> password) {
        Path path = Path.of(config.get(file));
        if (!Files.isReadable(path)) {
            throw config.invalid(file, "no readable file " + path.toAbsolutePath());
        }
        try {
            return KeyStore.getInstance(path.toFile(), config.get(password).toCharArray());
        } catch (IOException e) {
            throw config.invalid(file, "cannot be opened with " + password.name() + " (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw config.invalid(file, "is not a PKCS12 or JKS keystore (" + e.getMessage() + ")");
        }
    }

    /** The acceptor URI parameters that turn TLS on, starting with {@code &}; empty when TLS is off. */
    static String acceptorParameters(Config config) {
        if (!enabled(config)) {
            return "";
        }
        StringBuilder p = new StringBuilder("&sslEnabled=true");
        param(p, "keyStorePath", Path.of(config.get(NodeConfig.TLS_KEYSTORE)).toAbsolutePath().toString());
        param(p, "keyStorePassword", config.get(NodeConfig.TLS_KEYSTORE_PASSWORD));
        if (!config.get(NodeConfig.TLS_TRUSTSTORE).isBlank()) {
            param(p, "trustStorePath", Path.of(config.get(NodeConfig.TLS_TRUSTSTORE)).toAbsolutePath().toString());
            param(p, "trustStorePassword", config.get(NodeConfig.TLS_TRUSTSTORE_PASSWORD));
        }
        switch (config.get(NodeConfig.TLS_CLIENT_AUTH)) {
            case "need" -> p.append("&needClientAuth=true");
            case "want" -> p.append("&wantClientAuth=true");
            default -> {
            }
        }
        return p.toString();
    }

    /**
     * The client URL parameters with which a CLI on this machine reaches a TLS node: the node's own keystore serves
     * as the truststore (Java trusts the certificate of a key entry). Empty when TLS is off.
     */
    static String localClientParameters(Config config) {
        if (!enabled(config)) {
            return "";
        }
        StringBuilder p = new StringBuilder("?sslEnabled=true");
        param(p, "trustStorePath", Path.of(config.get(NodeConfig.TLS_KEYSTORE)).toAbsolutePath().toString());
        param(p, "trustStorePassword", config.get(NodeConfig.TLS_KEYSTORE_PASSWORD));
        return p.toString();
    }

    /**
     * On a cluster the nodes connect to each other over TLS, and each must trust the others' certificates: through
     * {@code tls.truststore} (an authority that signed every node's certificate, say) or, without one, through the
     * node's own keystore (every node sharing one key). The store and its password key, in that order.
     */
    static List<ConfigKey<String>> clusterTrust(Config config) {
        return config.get(NodeConfig.TLS_TRUSTSTORE).isBlank() ? List.of(NodeConfig.TLS_KEYSTORE, NodeConfig.TLS_KEYSTORE_PASSWORD)
                : List.of(NodeConfig.TLS_TRUSTSTORE, NodeConfig.TLS_TRUSTSTORE_PASSWORD);
    }

    public static Path clusterTrustStore(Config config) {
        return Path.of(config.get(clusterTrust(config).get(0))).toAbsolutePath();
    }

    public static String clusterTrustStorePassword(Config config) {
        return config.get(clusterTrust(config).get(1));
    }

    public static Path keyStore(Config config) {
        return Path.of(config.get(NodeConfig.TLS_KEYSTORE)).toAbsolutePath();
    }

    /**
     * Refuses, naming the key, a cluster node whose certificate the other nodes would refuse: one that is not valid
     * now, that the cluster's trust store does not trust, or that does not name {@code host}, the node's address in
     * {@code cluster.nodes} (the nodes check each other's names).
     */
    public static void checkClusterCertificate(Config config, String host) {
        KeyStore keys = open(config, NodeConfig.TLS_KEYSTORE, NodeConfig.TLS_KEYSTORE_PASSWORD);
        List<ConfigKey<String>> trustKeys = clusterTrust(config);
        KeyStore trust = open(config, trustKeys.get(0), trustKeys.get(1));
        X509Certificate[] chain;
        try {
            String alias = Collections.list(keys.aliases()).stream().filter(a -> isKey(keys, a)).findFirst().orElseThrow();
            chain = Arrays.stream(keys.getCertificateChain(alias)).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw config.invalid(NodeConfig.TLS_KEYSTORE, "cannot be read: " + e.getMessage());
        }
        String subject = chain[0].getSubjectX500Principal().getName();
        try {
            chain[0].checkValidity();
        } catch (GeneralSecurityException e) {
            throw config.invalid(NodeConfig.TLS_KEYSTORE, "certificate " + subject + " is not valid now: " + e.getMessage());
        }
        // as the other nodes will check it: as a server's certificate and, when they ask for one, as a client's
        try {
            X509TrustManager checker = trustManager(trust);
            checker.checkServerTrusted(chain, "UNKNOWN");
            if (!config.get(NodeConfig.TLS_CLIENT_AUTH).equals("none")) {
                checker.checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
            }
        } catch (GeneralSecurityException e) {
            throw config.invalid(trustKeys.get(0), "does not trust this node's certificate " + subject
                    + "; on a cluster it must trust every node's certificate (or the authority that signed them): " + e.getMessage());
        }
        if (!names(chain[0], host)) {
            throw config.invalid(NodeConfig.TLS_KEYSTORE, "certificate " + subject + " does not name " + host
                    + ", this node's host in cluster.nodes; the other nodes check it (add it as a subjectAltName)");
        }
    }

    private static X509TrustManager trustManager(KeyStore trust) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        return Arrays.stream(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast)
                .findFirst().orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
    }

    /** Whether the certificate names {@code host}: an IP or DNS subjectAltName (a {@code *.} wildcard for one label). */
    private static boolean names(X509Certificate cert, String host) {
        boolean literal = host.matches("[0-9.]+") || host.contains(":");
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives == null) {
                return !literal && cert.getSubjectX500Principal().getName().matches("(?i).*\\bCN=" + java.util.regex.Pattern.quote(host) + "(,.*)?$");
            }
            for (List<?> name : alternatives) {
                String value = String.valueOf(name.get(1));
                int type = (Integer) name.get(0);
                if (literal && type == 7 && InetAddress.getByName(value).equals(InetAddress.getByName(host))) {
                    return true;
                }
                if (!literal && type == 2 && (value.equalsIgnoreCase(host)
                        || value.startsWith("*.") && host.indexOf('.') > 0 && host.substring(host.indexOf('.')).equalsIgnoreCase(value.substring(1)))) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException | IOException e) {
            return false;
        }
    }

    /**
     * The client URL parameters (no leading separator) with which this node's machine reaches every node of its
     * cluster: the cluster's trust store, and with {@code tls.client-auth} the node's own certificate, which that
     * trust store trusts. Empty when TLS is off.
     */
    public static String clusterClientParameters(Config config) {
        if (!enabled(config)) {
            return "";
        }
        StringBuilder p = new StringBuilder("sslEnabled=true");
        param(p, "trustStorePath", clusterTrustStore(config).toString());
        param(p, "trustStorePassword", clusterTrustStorePassword(config));
        if (!config.get(NodeConfig.TLS_CLIENT_AUTH).equals("none")) {
            param(p, "keyStorePath", keyStore(config).toString());
            param(p, "keyStorePassword", config.get(NodeConfig.TLS_KEYSTORE_PASSWORD));
        }
        return p.toString();
    }

    private static void param(StringBuilder p, String name, String value) {
        p.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
