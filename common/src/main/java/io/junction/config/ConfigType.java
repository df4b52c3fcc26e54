package io.junction.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a raw string becomes a typed value. {@link #parse} throws {@link IllegalArgumentException} whose message is
 * the reason shown to the user.
 */
public interface ConfigType<T> {

    T parse(String raw);

    /** Short description of the accepted form, shown in the generated documentation. */
    String describe();

    ConfigType<String> STRING = of("string", s -> s);

    ConfigType<Boolean> BOOLEAN = of("true|false", s -> switch (s.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> throw new IllegalArgumentException("expected true or false");
    });

    ConfigType<Integer> INT = of("integer", s -> {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    });

    ConfigType<Integer> PORT = of("port 1-65535", s -> {
        int port = INT.parse(s);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a port must be between 1 and 65535");
        }
        return port;
    });

    /** Bytes, written as {@code 512MiB}, {@code 10MB}, {@code 4096} ... */
    ConfigType<Long> SIZE = of("size (e.g. 64KiB, 256MiB, 2GiB)", Sizes::parse);

    /** A duration with its unit: {@code 200us}, {@code 5ms}, {@code 30s}, {@code 2m}. */
    ConfigType<Duration> DURATION = of("duration (e.g. 200us, 5ms, 30s)", Durations::parse);

    static <T> ConfigType<T> of(String description, java.util.function.Function<String, T> parser) {
        return new ConfigType<>() {
            @Override
            public T parse(String raw) {
                return parser.apply(raw);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** One of a fixed set of lower-case words. */
    static ConfigType<String> oneOf(String... allowed) {
        List<String> words = List.of(allowed);
        return of("one of " + String.join(", ", words), s -> {
            String word = s.toLowerCase(Locale.ROOT);
            if (!words.contains(word)) {
                throw new IllegalArgumentException("expected one of " + String.join(", ", words));
            }
            return word;
        });
    }

    /** A comma-separated set drawn from a fixed list of lower-case words; order kept, duplicates refused. */
    static ConfigType<Set<String>> setOf(String... allowed) {
        List<String> words = List.of(allowed);
        return of("comma-separated subset of " + String.join(", ", words), s -> {
            Set<String> out = new LinkedHashSet<>();
            for (String part : s.split(",")) {
                part = part.trim();
                if (part.isEmpty()) {
                    continue;
                }
                String word = part.toLowerCase(Locale.ROOT);
                if (!words.contains(word)) {
                    throw new IllegalArgumentException("'" + part + "' is not one of " + String.join(", ", words));
                }
                if (!out.add(word)) {
                    throw new IllegalArgumentException("'" + part + "' is listed twice");
                }
            }
            return Collections.unmodifiableSet(out);
        });
    }
}
