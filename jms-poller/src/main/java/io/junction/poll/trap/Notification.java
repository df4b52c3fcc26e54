package io.junction.poll.trap;

import io.junction.poll.snmp.Variables;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snmp4j.PDU;
import org.snmp4j.PDUv1;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.IpAddress;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * A trap or inform as received, in the SNMPv2 form whatever its version: its OID (a v1 trap's made from its
 * enterprise, generic and specific numbers as RFC 3584 says), the sender's uptime, its variable bindings (without
 * sysUpTime.0 and snmpTrapOID.0), and the address the agent says it is (the {@code snmpTrapAddress.0} binding, or a
 * v1 trap's agent address) beside the one it came from.
 */
public record Notification(String version, String kind, String oid, long upTime, List<Map<String, Object>> varbinds, String claimedAddress) {
    /** snmpTrapAddress.0 (SNMP-COMMUNITY-MIB): the address of the agent that sent the trap, whatever interface it left by. */
    public static final OID SNMP_TRAP_ADDRESS = new OID("1.3.6.1.6.3.18.1.3.0");
    private static final OID SNMP_TRAPS = new OID("1.3.6.1.6.3.1.1.5");
    /** snmpTrapEnterprise.0: a v1 trap's enterprise, kept as RFC 3584 says when it is translated. */
    public static final OID SNMP_TRAP_ENTERPRISE = new OID("1.3.6.1.6.3.1.1.4.3.0");

    /** A notification from a PDU, or null when the PDU is not one (a GET sent to the trap port). */
    static Notification of(int messageProcessingModel, PDU pdu) {
        String version = switch (messageProcessingModel) {
            case 0 -> "1";
            case 1 -> "2c";
            default -> "3";
        };
        String claimed = null;
        List<Map<String, Object>> varbinds = new ArrayList<>();
        if (pdu instanceof PDUv1 v1 && pdu.getType() == PDU.V1TRAP) {
            String oid = v1.getGenericTrap() == PDUv1.ENTERPRISE_SPECIFIC
                    ? v1.getEnterprise() + ".0." + v1.getSpecificTrap()
                    : SNMP_TRAPS + "." + (v1.getGenericTrap() + 1);
            IpAddress agent = v1.getAgentAddress();
            if (agent != null && !agent.getInetAddress().isAnyLocalAddress()) {
                claimed = agent.getInetAddress().getHostAddress();
            }
            for (VariableBinding vb : pdu.getVariableBindings()) {
                claimed = vb.getOid().equals(SNMP_TRAP_ADDRESS) ? address(vb.getVariable(), claimed) : claimed;
                varbinds.add(binding(vb));
            }
            varbinds.add(binding(new VariableBinding(SNMP_TRAP_ENTERPRISE, v1.getEnterprise())));
            return new Notification(version, "trap", oid, v1.getTimestamp(), List.copyOf(varbinds), claimed);
        }
        if (pdu.getType() != PDU.TRAP && pdu.getType() != PDU.INFORM) {
            return null;
        }
        String oid = null;
        long upTime = -1;
        for (VariableBinding vb : pdu.getVariableBindings()) {
            if (vb.getOid().equals(SnmpConstants.snmpTrapOID) && vb.getVariable() instanceof OID o) {
                oid = o.toDottedString();
            } else if (vb.getOid().equals(SnmpConstants.sysUpTime) && vb.getVariable() instanceof TimeTicks t) {
                upTime = t.getValue();
            } else {
                claimed = vb.getOid().equals(SNMP_TRAP_ADDRESS) ? address(vb.getVariable(), claimed) : claimed;
                varbinds.add(binding(vb));
            }
        }
        if (oid == null) {
            // RFC 3416 requires snmpTrapOID.0 second; an agent that leaves it out still sent something worth seeing
            oid = "";
        }
        return new Notification(version, pdu.getType() == PDU.INFORM ? "inform" : "trap", oid, upTime, List.copyOf(varbinds), claimed);
    }

    private static String address(Variable v, String otherwise) {
        if (v instanceof IpAddress ip && !ip.getInetAddress().isAnyLocalAddress()) {
            return ip.getInetAddress().getHostAddress();
        }
        return otherwise;
    }

    private static Map<String, Object> binding(VariableBinding vb) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("oid", vb.getOid().toDottedString());
        m.put("type", Variables.type(vb.getVariable()));
        m.put("value", Variables.value(vb.getVariable()));
        return m;
    }

    /** The addresses to match to a device, in order: the one the agent claims, then the one the packet came from. */
    List<String> candidates(InetAddress source) {
        List<String> out = new ArrayList<>();
        if (claimedAddress != null) {
            out.add(claimedAddress);
        }
        out.add(source.getHostAddress());
        return out;
    }
}
