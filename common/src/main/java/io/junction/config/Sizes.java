package io.junction.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints byte sizes with binary (KiB) and decimal (KB) units. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private Sizes() {
    }

    public static long parse(String raw) {
        Matcher m = SIZE.matcher(raw.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 64KiB, 256MiB or 2GiB");
        }
        long multiplier = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1_000L;
            case "kib" -> 1L << 10;
            case "m", "mb" -> 1_000_000L;
            case "mib" -> 1L << 20;
            case "g", "gb" -> 1_000_000_000L;
            case "gib" -> 1L << 30;
            case "t", "tb" -> 1_000_000_000_000L;
            case "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown size unit '" + m.group(2) + "' (use B, KiB, MiB, GiB, KB, MB, GB)");
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size is too large");
        }
    }

    /** The largest binary unit that divides the value exactly: 268435456 prints as 256MiB. */
    public static String format(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return bytes + "B";
    }
}
