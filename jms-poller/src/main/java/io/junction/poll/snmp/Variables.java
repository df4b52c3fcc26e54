package io.junction.poll.snmp;

import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Opaque;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;

/** SNMP values as the metrics message writes them: a type name and a number or a string. */
public final class Variables {
    private Variables() {
    }

    /** {@code Counter32}, {@code Counter64}, {@code Gauge32}, {@code Integer32}, {@code TimeTicks}, {@code OctetString}, {@code IpAddress}, {@code OID}, {@code Opaque}. */
    public static String type(Variable v) {
        if (v instanceof Counter32) {
            return "Counter32";
        } else if (v instanceof Gauge32) {
            return "Gauge32";
        } else if (v instanceof TimeTicks) {
            return "TimeTicks";
        } else if (v instanceof Counter64) {
            return "Counter64";
        } else if (v instanceof Integer32) {
            return "Integer32";
        } else if (v instanceof IpAddress) {
            return "IpAddress";
        } else if (v instanceof Opaque) {
            return "Opaque";
        } else if (v instanceof OctetString) {
            return "OctetString";
        } else if (v instanceof OID) {
            return "OID";
        }
        return v.getSyntaxString();
    }

    /** A Long for the numeric types (a Counter64 as a BigInteger: it is unsigned), else a String. */
    public static Object value(Variable v) {
        if (v instanceof Counter64 c) {
            return new java.math.BigInteger(Long.toUnsignedString(c.getValue()));
        } else if (v instanceof Integer32 || v instanceof Counter32 || v instanceof Gauge32 || v instanceof TimeTicks) {
            return v.toLong();
        } else if (v instanceof OctetString s && !(v instanceof Opaque)) {
            return s.isPrintable() ? s.toString() : s.toHexString();
        }
        return v.toString();
    }

    /** Whether {@code v} says "no value here": noSuchObject, noSuchInstance, endOfMibView, or a plain null. */
    static boolean absent(Variable v) {
        return v == null || v instanceof Null || v.isException();
    }
}
