package io.junction.poll.snmp;

import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.smi.OID;

/** SNMPv3 authentication protocols, named as net-snmp names them ({@code -a}). */
public enum AuthProtocol {
    NONE(null),
    MD5(AuthMD5.ID),
    SHA(AuthSHA.ID),
    SHA224(AuthHMAC128SHA224.ID),
    SHA256(AuthHMAC192SHA256.ID),
    SHA384(AuthHMAC256SHA384.ID),
    SHA512(AuthHMAC384SHA512.ID);

    private final OID id;

    AuthProtocol(OID id) {
        this.id = id;
    }

    OID id() {
        return id;
    }

    /** {@code none}, {@code MD5}, {@code SHA}, {@code SHA-224} ... {@code SHA-512} (with or without the dash). */
    public static AuthProtocol parse(String text) {
        return Protocols.named(values(), text, "expected none, MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512");
    }
}
