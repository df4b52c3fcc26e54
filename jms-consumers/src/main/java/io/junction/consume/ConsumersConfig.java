package io.junction.consume;

import io.junction.client.ClientConfig;
import io.junction.config.Config;
import io.junction.config.ConfigDef;
import io.junction.config.ConfigKey;
import io.junction.config.ConfigType;
import io.junction.consume.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The keys of a consumers process's configuration file: the client keys ({@link ClientConfig}) and the consumers' own. */
public final class ConsumersConfig {
    /** The consumers a process can run. */
    public static final Set<String> KINDS = Set.of("events");
    /** Where the store's password comes from when the file leaves it empty. */
    public static final String STORE_PASSWORD_VARIABLE = "JUNCTION_STORE_PASSWORD";

    public static final ConfigKey<String> ONLY = ConfigKey.of("consumers.only", ConfigType.STRING, "events",
            "The consumers this process runs, comma-separated: events (the event manager).")
            .require(v -> !v.isBlank() && List.of(v.split(",")).stream().map(String::trim).allMatch(KINDS::contains),
                    "expected a comma-separated list of " + String.join(", ", KINDS));
    public static final ConfigKey<String> STORE_URL = ConfigKey.of("store.url", ConfigType.STRING, "",
            "The database of events (jdbc:postgresql://host:port/db, shared by several consumer processes, or jdbc:h2:...).\n"
                    + "Empty: H2 in store.dir, for one process.")
            .require(u -> u.isEmpty() || u.startsWith("jdbc:postgresql:") || u.startsWith("jdbc:h2:"), "expected jdbc:postgresql:... or jdbc:h2:...");
    public static final ConfigKey<String> STORE_DIR = ConfigKey.of("store.dir", ConfigType.STRING, "data/store",
            "Where the H2 database is kept when store.url is empty.");
    public static final ConfigKey<String> STORE_USER = ConfigKey.of("store.user", ConfigType.STRING, "",
            "The database user (PostgreSQL).");
    public static final ConfigKey<String> STORE_PASSWORD = ConfigKey.of("store.password", ConfigType.STRING, "",
            "The database password. Empty: from " + STORE_PASSWORD_VARIABLE + ", which keeps it out of the file.");
    public static final ConfigKey<Integer> STORE_POOL = ConfigKey.of("store.pool", ConfigType.INT, "4",
            "Database connections this process holds at most.")
            .require(n -> n >= 1 && n <= 200, "must be between 1 and 200");

    private ConsumersConfig() {
    }

    /** The consumers {@code settings} names. */
    public static Set<String> only(Config settings) {
        return Set.copyOf(List.of(settings.get(ONLY).split(",")).stream().map(String::trim).toList());
    }

    /** The database {@code settings} names: PostgreSQL or H2 at {@code store.url}, else H2 in {@code store.dir}. */
    public static Database.Settings store(Config settings, Map<String, String> environment) {
        String url = settings.get(STORE_URL);
        if (url.isEmpty()) {
            return Database.Settings.h2(Path.of(settings.get(STORE_DIR)));
        }
        String password = settings.get(STORE_PASSWORD);
        if (password.isEmpty()) {
            password = environment.getOrDefault(STORE_PASSWORD_VARIABLE, "");
        }
        return new Database.Settings(url, settings.get(STORE_USER), password, settings.get(STORE_POOL));
    }

    /** The commented file in etc/. */
    public static String template() {
        return definition().toPropertiesTemplate("""
                Junction consumers configuration, read by `junction consumers start` (--config FILE).
                Every key is optional; the commented value is the default. Unknown keys stop start-up.
                Generated from the key declarations (junction consumers config-template); keep them in step.""");
    }

    /** Every key a consumers process's file may hold. */
    public static ConfigDef definition() {
        return ClientConfig.define(new ConfigDef()).define(ONLY).define(STORE_URL).define(STORE_DIR).define(STORE_USER).define(STORE_PASSWORD)
                .define(STORE_POOL);
    }
}
