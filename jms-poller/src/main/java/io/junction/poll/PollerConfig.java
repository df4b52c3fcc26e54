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
    public static final ConfigKey<String> SPOOL_DIR = ConfigKey.of("spool.dir", ConfigType.STRING, "data/spool",
            "Where a poller keeps what it polls while the bus is unreachable (DIR/TENANT/SITE, one poller each; it holds the"
                    + " devices' SNMP credentials, readable by the poller's user alone).");
    public static final ConfigKey<Long> SPOOL_SIZE = ConfigKey.of("spool.max-size", ConfigType.SIZE, "1GiB",
            "The most the spool keeps; past it the oldest messages are dropped and counted.")
            .require(n -> n >= 64 * 1024, "must be at least 64KiB");
    public static final ConfigKey<java.time.Duration> SPOOL_AGE = ConfigKey.of("spool.max-age", ConfigType.DURATION, "1h",
            "The oldest a spooled message may be; older ones are dropped and counted.")
            .require(d -> d.toSeconds() >= 60, "must be at least 1m");
    public static final ConfigKey<java.time.Duration> SPOOL_AFTER = ConfigKey.of("spool.offline-after", ConfigType.DURATION, "30s",
            "How long the bus must be unreachable before the poller polls the devices it held on its own, into the spool"
                    + " (a broker failover takes less).")
            .require(d -> d.toMillis() >= 1_000, "must be at least 1s");
    public static final ConfigKey<String> TRAP_RULES = ConfigKey.of("traps.rules", ConfigType.STRING, "etc/traps",
            "The directory of trap rules (*.properties: each trap OID's name and severity), for junction traps start.");
    public static final ConfigKey<String> TRAP_ADDRESS = ConfigKey.of("traps.address", ConfigType.STRING, "0.0.0.0",
            "The address the trap receiver listens on (0.0.0.0: every interface).");
    public static final ConfigKey<Integer> TRAP_PORT = ConfigKey.of("traps.port", ConfigType.INT, "162",
            "The UDP port of the trap receiver; when it is not set and 162 cannot be bound (not root), 1162.")
            .require(n -> n >= 1 && n <= 65535, "must be between 1 and 65535");
    public static final ConfigKey<Integer> TRAP_RATE = ConfigKey.of("traps.rate-limit", ConfigType.INT, "100",
            "Traps a second one sender may send; the rest are dropped, counted and reported in one trap-storm event per storm.")
            .require(n -> n >= 1 && n <= 1_000_000, "must be between 1 and 1000000");
    public static final ConfigKey<Integer> TRAP_QUEUE = ConfigKey.of("traps.queue", ConfigType.INT, "100000",
            "Trap events that may wait for the bus; when it is full (the bus gone for long) the newest are dropped and counted.")
            .require(n -> n >= 100 && n <= 10_000_000, "must be between 100 and 10000000");

    private PollerConfig() {
    }

    /** The store-and-forward settings of {@code settings}. */
    public static io.junction.poll.spool.SpoolSettings spooling(io.junction.config.Config settings) {
        return new io.junction.poll.spool.SpoolSettings(java.nio.file.Path.of(settings.get(SPOOL_DIR)), settings.get(SPOOL_SIZE),
                settings.get(SPOOL_AGE), settings.get(SPOOL_AFTER));
    }

    /** The commented file in etc/. */
    public static String template() {
        return definition().toPropertiesTemplate("""
                Junction poller configuration, read by `junction poller start` and `junction traps start` (--config FILE).
                Every key is optional; the commented value is the default. Unknown keys stop start-up.
                Generated from the key declarations (junction poller config-template); keep them in step.""");
    }

    /** Every key a poller's file may hold. */
    public static ConfigDef definition() {
        return ClientConfig.define(new ConfigDef()).define(PROFILES).define(MAX_POLLS).define(MAX_REQUESTS).define(SPOOL_DIR).define(SPOOL_SIZE)
                .define(SPOOL_AGE).define(SPOOL_AFTER).define(TRAP_RULES)
                .define(TRAP_ADDRESS).define(TRAP_PORT).define(TRAP_RATE).define(TRAP_QUEUE);
    }
}
