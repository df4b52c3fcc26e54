package io.junction.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigDefTest {
    static final ConfigKey<Integer> PORT = ConfigKey.of("acceptor.port", ConfigType.PORT, "61616", "The port.");
    static final ConfigKey<Long> SIZE = ConfigKey.of("memory.max", ConfigType.SIZE, "256MiB", "Memory.")
            .require(v -> v > 0, "must be positive");
    static final ConfigKey<Duration> TIMEOUT = ConfigKey.of("timeout", ConfigType.DURATION, "200us", "Timeout.");
    static final ConfigKey<Set<String>> PROTOCOLS = ConfigKey.of("protocols", ConfigType.setOf("core", "amqp", "mqtt"),
            "core,amqp", "Protocols.");
    static final ConfigKey<String> NAME = ConfigKey.of("name", ConfigType.STRING, null, "Required name.");

    final ConfigDef def = new ConfigDef().define(PORT).define(SIZE).define(TIMEOUT).define(PROTOCOLS).define(NAME);

    @Test
    void defaultsApplyWhereKeysAreAbsent() {
        Config config = def.parse(Map.of("name", "n1"), "node.properties");
        assertEquals(61616, config.get(PORT));
        assertEquals(256L << 20, config.get(SIZE));
        assertEquals(Duration.ofNanos(200_000), config.get(TIMEOUT));
        assertEquals(Set.of("core", "amqp"), config.get(PROTOCOLS));
        assertFalse(config.isSet(PORT));
        assertTrue(config.isSet(NAME));
        assertEquals("{acceptor.port=61616, memory.max=256MiB, name=n1, protocols=core,amqp, timeout=200us}", config.describe().toString());
    }

    @Test
    void unknownKeyNamesTheFileAndSuggestsTheClosestKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> def.parse(Map.of("name", "n", "acceptor.prot", "1"), "etc/node.properties"));
        assertEquals("Unknown configuration key acceptor.prot in etc/node.properties: did you mean acceptor.port?", e.getMessage());
        assertEquals("acceptor.prot", e.key());
    }

    @Test
    void badValuesNameKeyValueAndReason() {
        assertEquals("Invalid value 70000 for configuration acceptor.port in f: a port must be between 1 and 65535",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("name", "n", "acceptor.port", "70000"), "f")).getMessage());
        assertEquals("Invalid value 0 for configuration memory.max in f: must be positive",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("name", "n", "memory.max", "0"), "f")).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> def.parse(Map.of("name", "n", "timeout", "200"), "f"))
                .getMessage().startsWith("Invalid value 200 for configuration timeout in f: expected a number with a unit"));
        assertEquals("Invalid value core,core for configuration protocols in f: 'core' is listed twice",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("name", "n", "protocols", "core,core"), "f")).getMessage());
        assertEquals("Invalid value 99999999999999999999us for configuration timeout in f: duration is too large",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("name", "n", "timeout", "99999999999999999999us"), "f")).getMessage());
        assertEquals("Invalid value 9999999999999h for configuration timeout in f: duration is too large",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("name", "n", "timeout", "9999999999999h"), "f")).getMessage());
        assertEquals("Invalid value 12 parsecs for configuration memory.max in f: unknown size unit 'parsecs' (use B, KiB, MiB, GiB, KB, MB, GB)",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("name", "n", "memory.max", "12 parsecs"), "f")).getMessage());
    }

    @Test
    void requiredKeyWithoutValueIsReported() {
        assertEquals("Missing required configuration name in f, which has no default value",
                assertThrows(ConfigException.class, () -> def.parse(Map.of(), "f")).getMessage());
    }

    @Test
    void aKeyCannotBeDefinedTwiceNorWithABadDefault() {
        assertThrows(IllegalStateException.class, () -> new ConfigDef().define(PORT).define(PORT));
        assertThrows(ConfigException.class, () -> ConfigKey.of("p", ConfigType.PORT, "0", "bad default"));
    }

    @Test
    void templateDocumentsEveryKeyWithItsDefault() {
        String template = def.parse(Map.of("name", "x"), "f") != null ? def.toPropertiesTemplate("Header") : "";
        assertTrue(template.startsWith("# Header\n"));
        assertTrue(template.contains("# The port.\n# Type: port 1-65535. Default: 61616\n#acceptor.port=61616\n"), template);
        assertTrue(template.contains("# Type: string. Required.\nname=\n"), template);
    }

    @Test
    void sizesAndDurationsRoundTrip() {
        assertEquals("256MiB", Sizes.format(Sizes.parse("256MiB")));
        assertEquals(1_000_000L, Sizes.parse("1MB"));
        assertEquals("1500us", Durations.format(Durations.parse("1500us")));
        assertEquals("30s", Durations.format(Durations.parse("30s")));
    }
}
