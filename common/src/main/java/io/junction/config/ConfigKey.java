package io.junction.config;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One configuration key, declared once: its name, type, default (as the user would write it; null when required),
 * an extra check beyond the type, and the documentation that goes into {@code etc/} and {@code --help}.
 */
public final class ConfigKey<T> {
    private final String name;
    private final ConfigType<T> type;
    private final String defaultValue;
    private final Predicate<T> check;
    private final String checkReason;
    private final String doc;

    private ConfigKey(String name, ConfigType<T> type, String defaultValue, Predicate<T> check, String checkReason, String doc) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = defaultValue;
        this.check = check;
        this.checkReason = checkReason;
        this.doc = Objects.requireNonNull(doc);
        if (defaultValue != null) {
            parse(defaultValue, "the declaration of " + name);
        }
    }

    public static <T> ConfigKey<T> of(String name, ConfigType<T> type, String defaultValue, String doc) {
        return new ConfigKey<>(name, type, defaultValue, null, null, doc);
    }

    /** The same key with one more rule; {@code reason} is what the user reads when the rule fails. */
    public ConfigKey<T> require(Predicate<T> rule, String reason) {
        return new ConfigKey<>(name, type, defaultValue, rule, reason, doc);
    }

    T parse(String raw, String source) {
        T value;
        try {
            value = type.parse(raw.trim());
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(source, name, raw, e.getMessage());
        }
        boolean valid;
        try {
            valid = check == null || check.test(value);
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw ConfigException.invalid(source, name, raw, checkReason);
        }
        return value;
    }

    public String name() {
        return name;
    }

    public ConfigType<T> type() {
        return type;
    }

    /** The default as written in a config file, or null when the key is required. */
    public String defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    @Override
    public String toString() {
        return name;
    }
}
