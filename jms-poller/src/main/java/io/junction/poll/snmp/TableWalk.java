package io.junction.poll.snmp;

import io.junction.poll.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import org.snmp4j.PDU;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/**
 * Walks columns of one table side by side: GETBULK with the device's max-repetitions (GETNEXT on SNMPv1 or with
 * bulk off) from where each column got to, until each leaves its column, reaches the end of the MIB, or fails to
 * increase (a broken agent that would loop).
 */
final class TableWalk implements DevicePoll.Job {
    /** Rows of one table at the most: a looping agent never fills the heap. */
    private static final int MAX_ROWS = 100_000;

    private final DevicePoll poll;
    private final TableRows rows;
    private final List<Profile.Metric> columns;
    private final List<OID> prefixes = new ArrayList<>();
    private final List<OID> positions = new ArrayList<>();
    private final List<Boolean> done = new ArrayList<>();
    private int repetitions;

    TableWalk(DevicePoll poll, TableRows rows, List<Profile.Metric> columns) {
        this.poll = poll;
        this.repetitions = poll.device().snmp().maxRepetitions();
        this.rows = rows;
        this.columns = columns;
        for (Profile.Metric c : columns) {
            prefixes.add(new OID(c.oid()));
            positions.add(new OID(c.oid()));
            done.add(false);
        }
    }

    @Override
    public void step() {
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!done.get(i)) {
                open.add(i);
            }
        }
        if (rows.size() > MAX_ROWS) {
            poll.problem("table " + rows.table().name() + " cut off at " + MAX_ROWS + " rows");
            poll.jobDone();
            return;
        }
        if (open.isEmpty()) {
            poll.jobDone();
            return;
        }
        boolean bulk = poll.device().snmp().bulk();
        PDU pdu = SnmpPoller.pdu(poll.device(), bulk ? PDU.GETBULK : PDU.GETNEXT);
        if (bulk) {
            pdu.setNonRepeaters(0);
            pdu.setMaxRepetitions(repetitions);
        }
        open.forEach(i -> pdu.add(new VariableBinding(positions.get(i))));
        poll.request(pdu, response -> {
            int status = response.getErrorStatus();
            if (status == PDU.tooBig && bulk && repetitions > 1) {
                repetitions = Math.max(1, repetitions / 2);
                step();
                return;
            }
            if (status == PDU.noSuchName && !bulk) {
                // SNMPv1's end of the MIB: the column at fault has nothing more
                int at = response.getErrorIndex() - 1;
                if (at >= 0 && at < open.size()) {
                    done.set(open.get(at), true);
                } else {
                    open.forEach(i -> done.set(i, true));
                }
                step();
                return;
            }
            if (status != PDU.noError) {
                poll.problem("walk of " + columns.get(0).name() + "...: " + response.getErrorStatusText());
                poll.jobDone();
                return;
            }
            accept(open, response);
            step();
        });
    }

    /** Varbinds come row by row: repetition r holds one varbind per open column, in request order. */
    private void accept(List<Integer> open, PDU response) {
        List<Boolean> ended = new ArrayList<>(java.util.Collections.nCopies(columns.size(), false));
        for (int k = 0; k < response.size(); k++) {
            int column = open.get(k % open.size());
            if (ended.get(column) || done.get(column)) {
                continue;
            }
            VariableBinding vb = response.get(k);
            OID oid = vb.getOid();
            if (Variables.absent(vb.getVariable()) || oid == null || !oid.startsWith(prefixes.get(column)) || oid.size() <= prefixes.get(column).size()
                    || oid.compareTo(positions.get(column)) <= 0) {
                ended.set(column, true);
                done.set(column, true);
                continue;
            }
            positions.set(column, oid);
            OID instance = new OID(oid.getValue(), prefixes.get(column).size(), oid.size() - prefixes.get(column).size());
            rows.put(instance, columns.get(column).name(), vb.getVariable());
        }
        if (response.size() == 0) {
            open.forEach(i -> done.set(i, true));
        }
    }
}
