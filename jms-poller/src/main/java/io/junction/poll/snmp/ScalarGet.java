package io.junction.poll.snmp;

import io.junction.poll.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import org.snmp4j.PDU;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/** GETs of scalars; an SNMPv1 noSuchName drops the variable at fault and asks again for the rest. */
final class ScalarGet implements DevicePoll.Job {
    private final DevicePoll poll;
    private List<Profile.Metric> metrics;

    ScalarGet(DevicePoll poll, List<Profile.Metric> metrics) {
        this.poll = poll;
        this.metrics = new ArrayList<>(metrics);
    }

    @Override
    public void step() {
        if (metrics.isEmpty()) {
            poll.jobDone();
            return;
        }
        PDU pdu = SnmpPoller.pdu(poll.device(), PDU.GET);
        metrics.forEach(m -> pdu.add(new VariableBinding(new OID(m.oid()))));
        poll.request(pdu, response -> {
            int status = response.getErrorStatus();
            if (status == PDU.noSuchName && response.getErrorIndex() >= 1 && response.getErrorIndex() <= metrics.size()) {
                metrics.remove(response.getErrorIndex() - 1);
                step();
                return;
            }
            if (status == PDU.tooBig && metrics.size() > 1) {
                List<Profile.Metric> rest = new ArrayList<>(metrics.subList(metrics.size() / 2, metrics.size()));
                metrics = new ArrayList<>(metrics.subList(0, metrics.size() / 2));
                poll.first(new ScalarGet(poll, rest));
                step();
                return;
            }
            if (status != PDU.noError) {
                poll.problem("GET " + metrics.get(0).name() + "...: " + response.getErrorStatusText());
                poll.jobDone();
                return;
            }
            for (int i = 0; i < metrics.size() && i < response.size(); i++) {
                Variable v = response.get(i).getVariable();
                if (Variables.absent(v)) {
                    continue;
                }
                if (metrics.get(i).oid().equals(DevicePoll.SYS_UP_TIME_OID) && !(v instanceof org.snmp4j.smi.TimeTicks)) {
                    poll.problem("sysUpTime is a " + Variables.type(v) + ", not TimeTicks");
                    continue;
                }
                poll.scalar(metrics.get(i), v);
            }
            poll.jobDone();
        });
    }
}
