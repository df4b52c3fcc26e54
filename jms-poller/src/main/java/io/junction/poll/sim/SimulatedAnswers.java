package io.junction.poll.sim;

import java.util.List;
import org.snmp4j.PDU;
import org.snmp4j.PDUv1;
import org.snmp4j.ScopedPDU;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/**
 * The answer of a simulated device to a GET, GETNEXT or GETBULK, as an agent gives it: SNMPv1 errors (noSuchName) or
 * SNMPv2 exceptions (noSuchObject, endOfMibView), and a GETBULK cut short before the answer outgrows what the manager
 * takes (its maximum message size) or {@link #MAX_BINDINGS} bindings.
 */
final class SimulatedAnswers {
    static final int MAX_BINDINGS = 500;
    /** Room for the message's header and the PDU's own fields. */
    private static final int OVERHEAD = 200;

    private SimulatedAnswers() {
    }

    /** The response to {@code request}, or null for a PDU a device does not answer (a trap, a SET). */
    static PDU answer(SimulatedMib mib, SimulatedDevice d, PDU request, int maxSize, long nowMs) {
        PDU response;
        if (request instanceof ScopedPDU scoped) {
            ScopedPDU s = new ScopedPDU();
            s.setContextEngineID(scoped.getContextEngineID());
            s.setContextName(scoped.getContextName());
            response = s;
        } else {
            response = request instanceof PDUv1 ? new PDUv1() : new PDU();
        }
        response.setType(PDU.RESPONSE);
        response.setRequestID(request.getRequestID());
        boolean v1 = request instanceof PDUv1;
        List<? extends VariableBinding> asked = request.getVariableBindings();
        switch (request.getType()) {
            case PDU.GET -> {
                for (int i = 0; i < asked.size(); i++) {
                    OID oid = asked.get(i).getOid();
                    int index = mib.indexOf(oid);
                    if (index < 0 && v1) {
                        return error(response, asked, i);
                    }
                    response.add(index < 0 ? new VariableBinding(oid, Null.noSuchObject) : new VariableBinding(oid, mib.value(index, d, nowMs)));
                }
            }
            case PDU.GETNEXT -> {
                for (int i = 0; i < asked.size(); i++) {
                    VariableBinding next = next(mib, d, asked.get(i).getOid(), nowMs);
                    if (next.getVariable() == Null.endOfMibView && v1) {
                        return error(response, asked, i);
                    }
                    response.add(next);
                }
            }
            case PDU.GETBULK -> bulk(mib, d, request, response, maxSize, nowMs);
            default -> {
                return null;
            }
        }
        return response;
    }

    /** An SNMPv1 error: the request's bindings exactly as they came, the error and the index of the one at fault. */
    private static PDU error(PDU response, List<? extends VariableBinding> asked, int at) {
        int requestId = response.getRequestID().getValue();
        response.clear();
        response.setType(PDU.RESPONSE);
        response.setRequestID(new org.snmp4j.smi.Integer32(requestId));
        response.setErrorStatus(PDU.noSuchName);
        response.setErrorIndex(at + 1);
        asked.forEach(response::add);
        return response;
    }

    private static VariableBinding next(SimulatedMib mib, SimulatedDevice d, OID after, long nowMs) {
        int index = mib.indexAfter(after);
        return index < mib.size() ? new VariableBinding(mib.oid(index), mib.value(index, d, nowMs)) : new VariableBinding(after, Null.endOfMibView);
    }

    private static void bulk(SimulatedMib mib, SimulatedDevice d, PDU request, PDU response, int maxSize, long nowMs) {
        List<? extends VariableBinding> asked = request.getVariableBindings();
        int nonRepeaters = Math.max(0, Math.min(request.getNonRepeaters(), asked.size()));
        int repetitions = Math.max(0, request.getMaxRepetitions());
        int room = Math.max(484, maxSize) - OVERHEAD;
        for (int i = 0; i < nonRepeaters; i++) {
            VariableBinding vb = next(mib, d, asked.get(i).getOid(), nowMs);
            room -= vb.getBERLength();
            if (room < 0) {
                // not even the non-repeaters fit: RFC 3416 answers tooBig with no bindings
                response.clear();
                response.setType(PDU.RESPONSE);
                response.setRequestID(request.getRequestID());
                response.setErrorStatus(PDU.tooBig);
                return;
            }
            response.add(vb);
        }
        OID[] last = new OID[asked.size() - nonRepeaters];
        for (int j = 0; j < last.length; j++) {
            last[j] = asked.get(nonRepeaters + j).getOid();
        }
        for (int r = 0; r < repetitions && last.length > 0; r++) {
            boolean allEnded = true;
            for (int j = 0; j < last.length; j++) {
                VariableBinding vb = next(mib, d, last[j], nowMs);
                room -= vb.getBERLength();
                if (room < 0 || response.size() >= MAX_BINDINGS) {
                    return;
                }
                response.add(vb);
                last[j] = vb.getOid();
                allEnded &= vb.getVariable() == Null.endOfMibView;
            }
            if (allEnded) {
                return;
            }
        }
    }
}
