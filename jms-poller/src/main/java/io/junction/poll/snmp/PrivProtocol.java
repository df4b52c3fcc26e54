package io.junction.poll.snmp;

import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.smi.OID;

/**
 * SNMPv3 privacy protocols, named as net-snmp names them ({@code -x}). AES-192 and AES-256 extend their keys as
 * RFC draft "Blumenthal" does (net-snmp's {@code AES192} and {@code AES256}), not as Cisco's 3DES extension does.
 */
public enum PrivProtocol {
    NONE(null),
    DES(PrivDES.ID),
    AES128(PrivAES128.ID),
    AES192(PrivAES192.ID),
    AES256(PrivAES256.ID);

    private final OID id;

    PrivProtocol(OID id) {
        this.id = id;
    }

    OID id() {
        return id;
    }

    /** {@code none}, {@code DES}, {@code AES} (AES-128), {@code AES-128}, {@code AES-192}, {@code AES-256}. */
    public static PrivProtocol parse(String text) {
        return Protocols.named(values(), "AES".equalsIgnoreCase(text.trim()) ? "AES-128" : text, "expected none, DES, AES, AES-128, AES-192 or AES-256");
    }
}
