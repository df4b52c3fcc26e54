package io.junction.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The set of keys one kind of file accepts. Parsing rejects unknown keys (naming the closest known one) and
 * reports the first bad value with its file and key.
 */
public final class ConfigDef {
    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();

    public ConfigDef define(ConfigKey<?> key) {
        if (keys.putIfAbsent(key.name(), key) != null) {
            throw new IllegalStateException("Configuration key " + key.name() + " is defined twice");
        }
        return this;
    }

    /** Parses and validates every key; {@code source} names the file in error messages. */
    public Config parse(Map<String, String> raw, String source) {
        for (String name : raw.keySet()) {
            if (!keys.containsKey(name)) {
                throw ConfigException.unknown(source, name, suggestion(name));
            }
        }
        Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys.values()) {
            String text = raw.get(key.name());
            if (text == null || text.isBlank()) {
                if (key.defaultValue() == null) {
                    throw ConfigException.missing(source, key.name());
                }
                text = key.defaultValue();
            }
            values.put(key, key.parse(text, source));
            resolved.put(key.name(), text.trim());
        }
        return new Config(source, values, Map.copyOf(raw), resolved);
    }

    /** A properties file documenting every key, with its default commented out, for {@code etc/}. */
    public String toPropertiesTemplate(String header) {
        StringBuilder out = new StringBuilder();
        header.lines().forEach(line -> out.append("# ").append(line).append('\n'));
        for (ConfigKey<?> key : keys.values()) {
            out.append('\n');
            key.doc().lines().forEach(line -> out.append("# ").append(line).append('\n'));
            out.append("# Type: ").append(key.type().describe());
            out.append(key.defaultValue() == null ? ". Required." : ". Default: " + key.defaultValue()).append('\n');
            out.append(key.defaultValue() == null ? "" : "#").append(key.name()).append('=')
                    .append(key.defaultValue() == null ? "" : key.defaultValue()).append('\n');
        }
        return out.toString();
    }

    private String suggestion(String unknown) {
        List<String> close = new ArrayList<>();
        for (String name : keys.keySet()) {
            if (distance(unknown, name) <= Math.max(2, name.length() / 4)) {
                close.add(name);
            }
        }
        if (!close.isEmpty()) {
            return "did you mean " + close.stream().collect(Collectors.joining(" or ")) + "?";
        }
        return "known keys are " + String.join(", ", keys.keySet());
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
