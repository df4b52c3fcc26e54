package io.junction.poll.snmp;

import java.util.Locale;

/** Names of SNMPv3 protocols as net-snmp writes them: case and dashes do not matter ({@code SHA-256}, {@code sha256}). */
final class Protocols {
    private Protocols() {
    }

    /** The constant of {@code values} named {@code text}, or a one-line refusal saying what {@code expected}. */
    static <E extends Enum<E>> E named(E[] values, String text, String expected) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace("-", "");
        for (E p : values) {
            if (p.name().equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException(expected);
    }
}
