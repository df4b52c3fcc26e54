package io.junction.config;

import java.util.Map;
import java.util.TreeMap;

/** Parsed, validated values of one source, read through their declared keys. */
public final class Config {
    private final String source;
    private final Map<ConfigKey<?>, Object> values;
    private final Map<String, String> explicit;
    private final Map<String, String> resolved;

    Config(String source, Map<ConfigKey<?>, Object> values, Map<String, String> explicit, Map<String, String> resolved) {
        this.source = source;
        this.values = values;
        this.explicit = explicit;
        this.resolved = resolved;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("Configuration key " + key.name() + " is not declared for " + source);
        }
        return (T) values.get(key);
    }

    /** Whether the user wrote the key, as opposed to taking its default. */
    public boolean isSet(ConfigKey<?> key) {
        return explicit.containsKey(key.name());
    }

    /** The file (or other source) these values came from, for error messages. */
    public String source() {
        return source;
    }

    /** A value problem found after parsing, e.g. a port already in use, reported like a parse error. */
    public ConfigException invalid(ConfigKey<?> key, String reason) {
        return ConfigException.invalid(source, key.name(), resolved.get(key.name()), reason);
    }

    /** Every value as written or defaulted, sorted by key, for a start-up log line. */
    public Map<String, String> describe() {
        return new TreeMap<>(resolved);
    }

    /** {@link #describe}, with the value of every key naming a password or secret replaced by {@code ***}: for logs. */
    public Map<String, String> describeForLog() {
        Map<String, String> shown = new TreeMap<>(resolved);
        shown.replaceAll((k, v) -> (k.contains("password") || k.contains("secret")) && !v.isEmpty() ? "***" : v);
        return shown;
    }
}
