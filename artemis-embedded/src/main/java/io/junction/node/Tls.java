package io.junction.node;

import io.junction.config.Config;
import io.junction.config.ConfigKey;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

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
    static void check(Config config) {
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

    private static void param(StringBuilder p, String name, String value) {
        p.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
