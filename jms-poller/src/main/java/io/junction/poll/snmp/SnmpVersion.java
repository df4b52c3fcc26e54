package io.junction.poll.snmp;

import java.util.Locale;
import org.snmp4j.mp.SnmpConstants;

/** The SNMP versions a device may speak, as written in the inventory: {@code 1}, {@code 2c}, {@code 3}. */
public enum SnmpVersion {
    V1("1", SnmpConstants.version1),
    V2C("2c", SnmpConstants.version2c),
    V3("3", SnmpConstants.version3);

    private final String text;
    private final int code;

    SnmpVersion(String text, int code) {
        this.text = text;
        this.code = code;
    }

    /** SNMP4J's version number. */
    int code() {
        return code;
    }

    @Override
    public String toString() {
        return text;
    }

    /** {@code 1}, {@code 2c} or {@code 3} (also {@code v1}, {@code v2c}, {@code v3}). */
    public static SnmpVersion parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replaceFirst("^v", "");
        for (SnmpVersion v : values()) {
            if (v.text.equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("expected 1, 2c or 3");
    }
}
