package io.junction.config;

/** A configuration problem a user can fix: the message names the source, the key and the value at fault. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String message) {
        super(message);
        this.key = null;
    }

    private ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** {@code Invalid value V for configuration K in FILE: reason}; the value of a password or secret shows as {@code ***}. */
    public static ConfigException invalid(String source, String key, String value, String reason) {
        boolean secret = key.contains("password") || key.contains("secret") || key.contains("token");
        String shown = secret && value != null && !value.isEmpty() ? "***" : value;
        return new ConfigException(key, "Invalid value " + shown + " for configuration " + key + in(source) + ": " + reason);
    }

    public static ConfigException unknown(String source, String key, String hint) {
        return new ConfigException(key, "Unknown configuration key " + key + in(source) + (hint == null ? "" : ": " + hint));
    }

    public static ConfigException missing(String source, String key) {
        return new ConfigException(key, "Missing required configuration " + key + in(source) + ", which has no default value");
    }

    /** The key at fault, or null when the problem is with the whole source. */
    public String key() {
        return key;
    }

    private static String in(String source) {
        return source == null ? "" : " in " + source;
    }
}
