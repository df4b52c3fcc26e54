package io.junction.client;

import io.junction.config.Config;
import io.junction.config.ConfigDef;
import io.junction.config.ConfigException;
import io.junction.config.ConfigKey;
import io.junction.config.ConfigType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration keys of a client of the bus, declared once: a poller's or a consumer's file {@link #define}s them
 * beside its own and reads where and as whom to connect with {@link #credentials}.
 */
public final class ClientConfig {
    public static final ConfigKey<String> URL = ConfigKey.of("bus.url", ConfigType.STRING, Credentials.DEFAULT_URL,
            "The bus: one broker (tcp://host:port) or a cluster ((tcp://a:port,tcp://b:port,...)?ha=true&...,\n"
                    + "as junction cluster up prints it). TLS parameters may be part of it, or set with bus.truststore.")
            .require(u -> u.startsWith("tcp://") || u.startsWith("(tcp://"), "expected tcp://host:port or (tcp://host:port,...)?...");
    public static final ConfigKey<String> USER = ConfigKey.of("bus.user", ConfigType.STRING, "",
            "The user to log in as. Empty: from bus.credentials if set, else from JUNCTION_USER and JUNCTION_PASSWORD.");
    public static final ConfigKey<String> PASSWORD = ConfigKey.of("bus.password", ConfigType.STRING, "",
            "The password of bus.user. Empty: from JUNCTION_PASSWORD, which keeps it out of the file.");
    public static final ConfigKey<String> CREDENTIALS = ConfigKey.of("bus.credentials", ConfigType.STRING, "",
            "A credentials file (url=, user=, password=; readable by its owner alone) to log in with when bus.user is empty.");
    public static final ConfigKey<String> TRUSTSTORE = ConfigKey.of("bus.truststore", ConfigType.STRING, "",
            "A truststore (PKCS12 or JKS) with the brokers' CA: connects over TLS. Empty: as bus.url says.");
    public static final ConfigKey<String> TRUSTSTORE_PASSWORD = ConfigKey.of("bus.truststore.password", ConfigType.STRING, "",
            "The password of bus.truststore, if it has one.");
    public static final ConfigKey<Duration> PATIENCE = ConfigKey.of("bus.failover.patience", ConfigType.DURATION, "5s",
            "How long a failover may take before the client opens its connection anew at the lost broker's backup.")
            .require(d -> !d.isNegative() && !d.isZero(), "must be positive");

    /** Every key, in the order a template shows them. */
    public static final List<ConfigKey<?>> KEYS = List.of(URL, USER, PASSWORD, CREDENTIALS, TRUSTSTORE, TRUSTSTORE_PASSWORD, PATIENCE);

    private ClientConfig() {
    }

    /** Declares the client keys on {@code def}, beside the keys of the process that uses them. */
    public static ConfigDef define(ConfigDef def) {
        KEYS.forEach(def::define);
        return def;
    }

    /**
     * Where and as whom {@code config} says to connect, TLS settings folded into the URL. The user and password come
     * from {@link #USER} and {@link #PASSWORD}, else the {@link #CREDENTIALS} file, else the environment: none of them
     * is a {@link ConfigException} naming the keys.
     */
    public static Credentials credentials(Config config, Map<String, String> environment) {
        String url = config.get(URL);
        String trustStore = config.get(TRUSTSTORE);
        if (!trustStore.isEmpty()) {
            if (!Files.isReadable(Path.of(trustStore))) {
                throw config.invalid(TRUSTSTORE, "no readable file there");
            }
            url = ClientUrls.withTrustStore(url, trustStore, config.get(TRUSTSTORE_PASSWORD));
        }
        String user = blankToNull(config.get(USER));
        String password = blankToNull(config.get(PASSWORD));
        if (user == null && password != null) {
            throw config.invalid(PASSWORD, "set without " + USER.name());
        }
        if (user != null && password == null && environment.get(Credentials.PASSWORD_VARIABLE) == null) {
            throw config.invalid(USER, "set without " + PASSWORD.name() + " (or " + Credentials.PASSWORD_VARIABLE + ")");
        }
        String file = config.get(CREDENTIALS);
        // a credentials file the configuration names comes before the environment's login
        Map<String, String> env = user == null && !file.isEmpty() ? Map.of() : environment;
        return Credentials.resolve(url, user, password, env, () -> {
            if (file.isEmpty()) {
                return Optional.empty();
            }
            if (!Files.isReadable(Path.of(file))) {
                throw config.invalid(CREDENTIALS, "no readable file there");
            }
            try {
                return Optional.of(Credentials.read(Path.of(file)));
            } catch (ConfigException e) {
                throw config.invalid(CREDENTIALS, e.getMessage());
            }
        }).orElseThrow(() -> new ConfigException("No login for the bus in " + config.source() + ": set " + USER.name() + " and "
                + PASSWORD.name() + ", or " + CREDENTIALS.name() + ", or " + Credentials.USER_VARIABLE + " and " + Credentials.PASSWORD_VARIABLE));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
