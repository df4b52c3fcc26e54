package io.junction.poll.snmp;

import java.time.Duration;
import java.util.Objects;

/**
 * How to talk SNMP to one device: version and credentials, and the limits that keep a fragile agent answering. The
 * defaults are those of net-snmp's tools where they have one: GETBULK with 10 repetitions (25 and 50 make real agents
 * answer {@code tooBig}), one request in flight per device.
 *
 * @param timeout        how long one request waits for its answer
 * @param retries        how often a request is sent again before the device counts as not answering
 * @param maxRepetitions rows asked for per column in one GETBULK
 * @param oidsPerRequest variable bindings in one request
 * @param inFlight       requests to the device at once
 * @param bulk           GETBULK for tables; off for SNMPv1 and for agents that get it wrong (GETNEXT instead)
 * @param engineId       SNMPv3: the device's engine id as configured (lowercase hex), or null: learnt. A trap or inform
 *                       with the device's user but another engine id is not the device's
 */
public record SnmpSettings(SnmpVersion version, String community, String user, AuthProtocol auth, String authPassword,
                           PrivProtocol priv, String privPassword, Duration timeout, int retries, int maxRepetitions,
                           int oidsPerRequest, int inFlight, boolean bulk, String engineId) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_RETRIES = 1;
    public static final int DEFAULT_MAX_REPETITIONS = 10;
    public static final int DEFAULT_OIDS_PER_REQUEST = 10;
    public static final int DEFAULT_IN_FLIGHT = 1;

    public SnmpSettings {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(timeout, "timeout");
        auth = auth == null ? AuthProtocol.NONE : auth;
        priv = priv == null ? PrivProtocol.NONE : priv;
        if (version == SnmpVersion.V3) {
            require(user != null && !user.isEmpty() && user.length() <= 32, "user", "SNMPv3 needs a user name of 1 to 32 characters");
            if (auth != AuthProtocol.NONE) {
                require(authPassword != null && authPassword.length() >= 8, "auth-password", "must have at least 8 characters (RFC 3414)");
            }
            if (priv != PrivProtocol.NONE) {
                require(auth != AuthProtocol.NONE, "priv", "privacy needs authentication");
                require(privPassword != null && privPassword.length() >= 8, "priv-password", "must have at least 8 characters (RFC 3414)");
            }
        } else {
            require(community != null && !community.isEmpty(), "community", "SNMPv" + version + " needs a community");
        }
        require(!timeout.isNegative() && !timeout.isZero() && timeout.toMillis() <= 60_000, "timeout", "must be between 1 ms and 60 s");
        require(retries >= 0 && retries <= 10, "retries", "must be between 0 and 10");
        require(maxRepetitions >= 1 && maxRepetitions <= 100, "max-repetitions", "must be between 1 and 100");
        require(oidsPerRequest >= 1 && oidsPerRequest <= 100, "oids-per-request", "must be between 1 and 100");
        require(inFlight >= 1 && inFlight <= 16, "in-flight", "must be between 1 and 16");
        bulk = bulk && version != SnmpVersion.V1;
    }

    /** SNMPv1 or v2c with a community, the other settings at their defaults. */
    public static SnmpSettings community(SnmpVersion version, String community) {
        return new SnmpSettings(version, community, null, null, null, null, null, DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_MAX_REPETITIONS,
                DEFAULT_OIDS_PER_REQUEST, DEFAULT_IN_FLIGHT, true, null);
    }

    /** SNMPv3 with a user, the other settings at their defaults. */
    public static SnmpSettings v3(String user, AuthProtocol auth, String authPassword, PrivProtocol priv, String privPassword) {
        return new SnmpSettings(SnmpVersion.V3, null, user, auth, authPassword, priv, privPassword, DEFAULT_TIMEOUT, DEFAULT_RETRIES,
                DEFAULT_MAX_REPETITIONS, DEFAULT_OIDS_PER_REQUEST, DEFAULT_IN_FLIGHT, true, null);
    }

    /** The same with another timeout and retries. */
    public SnmpSettings withTimeout(Duration newTimeout, int newRetries) {
        return new SnmpSettings(version, community, user, auth, authPassword, priv, privPassword, newTimeout, newRetries, maxRepetitions,
                oidsPerRequest, inFlight, bulk, engineId);
    }

    /** The same with other limits. */
    public SnmpSettings withLimits(int newMaxRepetitions, int newOidsPerRequest, int newInFlight, boolean newBulk) {
        return new SnmpSettings(version, community, user, auth, authPassword, priv, privPassword, timeout, retries, newMaxRepetitions,
                newOidsPerRequest, newInFlight, newBulk, engineId);
    }

    /** Never a community or a password: these end up in logs. */
    @Override
    public String toString() {
        return "SNMPv" + version + (version == SnmpVersion.V3 ? " user " + user + " " + auth + "/" + priv : "")
                + ", timeout " + timeout.toMillis() + " ms x" + (retries + 1) + ", " + (bulk ? "GETBULK " + maxRepetitions : "GETNEXT")
                + ", " + oidsPerRequest + " OIDs per request, " + inFlight + " in flight";
    }

    private static void require(boolean ok, String field, String reason) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + reason);
        }
    }

    /** The SNMPv3 user of these settings, not localized (SNMP4J localizes it for each engine it is used with). */
    public org.snmp4j.security.UsmUser usmUser() {
        return new org.snmp4j.security.UsmUser(new org.snmp4j.smi.OctetString(user), auth.id(),
                authPassword == null ? null : new org.snmp4j.smi.OctetString(authPassword), priv.id(),
                privPassword == null ? null : new org.snmp4j.smi.OctetString(privPassword));
    }
}
