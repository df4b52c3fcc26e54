package io.junction.poll;

import io.junction.client.ClientConfig;
import io.junction.config.ConfigDef;
import io.junction.config.ConfigKey;
import io.junction.config.ConfigType;

/** The keys of a poller's configuration file: the client keys ({@link ClientConfig}) and the poller's own. */
public final class PollerConfig {
    public static final ConfigKey<String> PROFILES = ConfigKey.of("poller.profiles", ConfigType.STRING, "etc/profiles",
            "The directory of poll profiles (NAME.properties each).");
    public static final ConfigKey<Integer> MAX_POLLS = ConfigKey.of("poller.max-polls", ConfigType.INT, "1000",
            "Devices polled at once by this poller; it takes no more polls from the site's queue until one ends.")
            .require(n -> n >= 1 && n <= 100_000, "must be between 1 and 100000");
    public static final ConfigKey<Integer> MAX_REQUESTS = ConfigKey.of("poller.max-requests", ConfigType.INT, "1000",
            "SNMP requests out at once, to all devices together (each device has its own in-flight limit as well).")
            .require(n -> n >= 1 && n <= 100_000, "must be between 1 and 100000");

    private PollerConfig() {
    }

    /** The commented file in etc/. */
    public static String template() {
        return definition().toPropertiesTemplate("""
                Junction poller configuration, read by `junction poller start --tenant ID --site SITE --config FILE`.
                Every key is optional; the commented value is the default. Unknown keys stop start-up.
                Generated from the key declarations (junction poller config-template); keep them in step.""");
    }

    /** Every key a poller's file may hold. */
    public static ConfigDef definition() {
        return ClientConfig.define(new ConfigDef()).define(PROFILES).define(MAX_POLLS).define(MAX_REQUESTS);
    }
}
