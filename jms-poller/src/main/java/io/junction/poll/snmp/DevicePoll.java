package io.junction.poll.snmp;

import io.junction.poll.profile.Profile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.snmp4j.PDU;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * One poll of one device: GETs of its scalars (sysUpTime always), then walks of its tables, as jobs of chained
 * requests, at most {@link SnmpSettings#inFlight} at once. Runs on the poller's response thread only, so it needs no
 * locks. A device that does not answer ends the poll at its first timeout: the other requests would only wait too.
 */
final class DevicePoll {
    static final String SYS_UP_TIME_OID = "1.3.6.1.2.1.1.3.0";
    /** Rows of one table at the most: a looping agent never fills the heap. */
    private static final int MAX_ROWS = 100_000;

    private final SnmpPoller poller;
    private final Device device;
    private final List<Profile> profiles;
    private final CompletableFuture<PollResult> result = new CompletableFuture<>();
    private final long startedAt = System.currentTimeMillis();
    private final long startedNanos = System.nanoTime();
    private final Deque<Job> jobs = new ArrayDeque<>();
    private final List<PollResult.Value> scalarValues = new ArrayList<>();
    private final Map<String, TableRows> tables = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private Long sysUpTime;
    private int running;
    private int requests;

    DevicePoll(SnmpPoller poller, Device device, List<Profile> profiles) {
        this.poller = poller;
        this.device = device;
        this.profiles = profiles;
    }

    CompletableFuture<PollResult> result() {
        return result;
    }

    void start() {
        List<Profile.Metric> scalars = new ArrayList<>();
        scalars.add(new Profile.Metric("sysUpTime", SYS_UP_TIME_OID));
        for (Profile p : profiles) {
            for (Profile.Metric m : p.scalars()) {
                if (!m.oid().equals(SYS_UP_TIME_OID)) {
                    scalars.add(m);
                }
            }
        }
        int chunk = device.snmp().oidsPerRequest();
        for (int i = 0; i < scalars.size(); i += chunk) {
            jobs.add(new GetJob(scalars.subList(i, Math.min(scalars.size(), i + chunk))));
        }
        for (Profile p : profiles) {
            for (Profile.Table t : p.tables()) {
                TableRows rows = new TableRows(t);
                tables.put(p.name() + "/" + t.name(), rows);
                for (int i = 0; i < t.columns().size(); i += chunk) {
                    jobs.add(new WalkJob(rows, t.columns().subList(i, Math.min(t.columns().size(), i + chunk))));
                }
            }
        }
        next();
    }

    /** Starts jobs up to the device's limit; completes the poll when none is left. */
    private void next() {
        if (result.isDone()) {
            return;
        }
        while (running < device.snmp().inFlight() && !jobs.isEmpty()) {
            running++;
            jobs.poll().step();
        }
        if (running == 0 && jobs.isEmpty()) {
            finish(PollResult.Status.UP, String.join("; ", problems));
        }
    }

    private void jobDone() {
        running--;
        next();
    }

    void fail(PollResult.Status status, String detail) {
        if (status == PollResult.Status.AUTH_FAILURE || status == PollResult.Status.UNREACHABLE) {
            poller.forgetEngine(device);
        }
        finish(status, detail);
    }

    private void finish(PollResult.Status status, String detail) {
        if (result.isDone()) {
            return;
        }
        List<PollResult.Value> values = new ArrayList<>(scalarValues);
        if (status == PollResult.Status.UP) {
            tables.values().forEach(t -> t.emit(values));
        } else {
            values.clear();
        }
        result.complete(new PollResult(device, startedAt, (System.nanoTime() - startedNanos) / 1_000_000, status, detail,
                status == PollResult.Status.UP ? sysUpTime : null, values, requests));
    }

    /** Sends {@code pdu}; a timeout, a report or an unsendable request ends the poll, an answer goes to {@code then}. */
    private void request(PDU pdu, java.util.function.Consumer<PDU> then) {
        requests++;
        poller.send(device, pdu, (event, error) -> {
            if (result.isDone()) {
                return;
            }
            if (error != null) {
                fail(PollResult.Status.ERROR, "cannot send to " + device.address() + ":" + device.port() + ": " + error.getMessage());
                return;
            }
            PDU response = event.getResponse();
            if (response == null) {
                fail(PollResult.Status.UNREACHABLE, event.getError() != null ? event.getError().getMessage()
                        : "no answer within " + device.snmp().timeout().toMillis() + " ms x" + (device.snmp().retries() + 1));
            } else if (response.getType() == PDU.REPORT) {
                fail(PollResult.Status.AUTH_FAILURE, report(response));
            } else {
                then.accept(response);
            }
        });
    }

    /** What an SNMPv3 report says, in words. */
    private String report(PDU response) {
        OID oid = response.size() > 0 ? response.get(0).getOid() : new OID();
        String what;
        if (SnmpConstants.usmStatsUnknownUserNames.equals(oid)) {
            what = "unknown user name '" + device.snmp().user() + "'";
        } else if (SnmpConstants.usmStatsWrongDigests.equals(oid)) {
            what = "wrong authentication key for user '" + device.snmp().user() + "'";
        } else if (SnmpConstants.usmStatsDecryptionErrors.equals(oid)) {
            what = "wrong privacy key for user '" + device.snmp().user() + "'";
        } else if (SnmpConstants.usmStatsUnsupportedSecLevels.equals(oid)) {
            what = "security level not supported for user '" + device.snmp().user() + "'";
        } else if (SnmpConstants.usmStatsUnknownEngineIDs.equals(oid)) {
            what = "engine id mismatch (discovered again on the next poll)";
        } else if (SnmpConstants.usmStatsNotInTimeWindows.equals(oid)) {
            what = "not in the time window (engine time resynchronized on the next poll)";
        } else {
            what = "report " + oid;
        }
        return "SNMPv3 " + what;
    }

    private interface Job {
        void step();
    }

    /** GETs of scalars; an SNMPv1 noSuchName drops the variable at fault and asks again for the rest. */
    private final class GetJob implements Job {
        private List<Profile.Metric> metrics;

        GetJob(List<Profile.Metric> metrics) {
            this.metrics = new ArrayList<>(metrics);
        }

        @Override
        public void step() {
            if (metrics.isEmpty()) {
                jobDone();
                return;
            }
            PDU pdu = SnmpPoller.pdu(device, PDU.GET);
            metrics.forEach(m -> pdu.add(new VariableBinding(new OID(m.oid()))));
            request(pdu, response -> {
                int status = response.getErrorStatus();
                if (status == PDU.noSuchName && response.getErrorIndex() >= 1 && response.getErrorIndex() <= metrics.size()) {
                    metrics.remove(response.getErrorIndex() - 1);
                    step();
                    return;
                }
                if (status == PDU.tooBig && metrics.size() > 1) {
                    List<Profile.Metric> rest = new ArrayList<>(metrics.subList(metrics.size() / 2, metrics.size()));
                    metrics = new ArrayList<>(metrics.subList(0, metrics.size() / 2));
                    jobs.addFirst(new GetJob(rest));
                    step();
                    return;
                }
                if (status != PDU.noError) {
                    problems.add("GET " + metrics.get(0).name() + "...: " + response.getErrorStatusText());
                    jobDone();
                    return;
                }
                for (int i = 0; i < metrics.size() && i < response.size(); i++) {
                    Variable v = response.get(i).getVariable();
                    if (Variables.absent(v)) {
                        continue;
                    }
                    Profile.Metric m = metrics.get(i);
                    if (m.oid().equals(SYS_UP_TIME_OID)) {
                        sysUpTime = v.toLong();
                    }
                    scalarValues.add(new PollResult.Value(m.name(), "", "", Variables.type(v), Variables.value(v)));
                }
                jobDone();
            });
        }
    }

    /**
     * Walks columns of one table side by side: GETBULK with the device's max-repetitions (GETNEXT on SNMPv1 or with
     * bulk off) from where each column got to, until each leaves its column, reaches the end of the MIB, or fails to
     * increase (a broken agent that would loop).
     */
    private final class WalkJob implements Job {
        private final TableRows rows;
        private final List<Profile.Metric> columns;
        private final List<OID> prefixes = new ArrayList<>();
        private final List<OID> positions = new ArrayList<>();
        private final List<Boolean> done = new ArrayList<>();
        private int repetitions = device.snmp().maxRepetitions();

        WalkJob(TableRows rows, List<Profile.Metric> columns) {
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
            if (open.isEmpty() || rows.size() > MAX_ROWS) {
                jobDone();
                return;
            }
            boolean bulk = device.snmp().bulk();
            PDU pdu = SnmpPoller.pdu(device, bulk ? PDU.GETBULK : PDU.GETNEXT);
            if (bulk) {
                pdu.setNonRepeaters(0);
                pdu.setMaxRepetitions(repetitions);
            }
            open.forEach(i -> pdu.add(new VariableBinding(positions.get(i))));
            request(pdu, response -> {
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
                    problems.add("walk of " + columns.get(0).name() + "...: " + response.getErrorStatusText());
                    jobDone();
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

    /** A table's rows as they come in, by instance, in index order. */
    private static final class TableRows {
        private final Profile.Table table;
        private final Map<OID, Map<String, Variable>> rows = new TreeMap<>();

        TableRows(Profile.Table table) {
            this.table = table;
        }

        int size() {
            return rows.size();
        }

        void put(OID instance, String column, Variable value) {
            rows.computeIfAbsent(instance, i -> new LinkedHashMap<>()).put(column, value);
        }

        /** Each row's values in column order; a fallback column only where its twin is missing. */
        void emit(List<PollResult.Value> out) {
            for (Map.Entry<OID, Map<String, Variable>> row : rows.entrySet()) {
                Map<String, Variable> cells = row.getValue();
                String label = table.label() == null || cells.get(table.label()) == null ? "" : String.valueOf(Variables.value(cells.get(table.label())));
                String instance = row.getKey().toDottedString();
                for (Profile.Metric c : table.columns()) {
                    Variable v = cells.get(c.name());
                    String twin = table.fallbacks().get(c.name());
                    if (v == null || (twin != null && cells.containsKey(twin))) {
                        continue;
                    }
                    out.add(new PollResult.Value(c.name(), instance, label, Variables.type(v), Variables.value(v)));
                }
            }
        }
    }
}
