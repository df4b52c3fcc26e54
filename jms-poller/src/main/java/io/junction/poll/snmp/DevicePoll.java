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

    Device device() {
        return device;
    }

    /** Something that went wrong without ending the poll; said in its result's detail. */
    void problem(String what) {
        problems.add(what);
    }

    /** A scalar's value; sysUpTime's is also kept apart. */
    void scalar(Profile.Metric metric, Variable value) {
        if (metric.oid().equals(SYS_UP_TIME_OID)) {
            sysUpTime = value.toLong();
        }
        scalarValues.add(new PollResult.Value(metric.name(), "", "", Variables.type(value), Variables.value(value)));
    }

    /** Runs {@code job} next, before those waiting. */
    void first(Job job) {
        jobs.addFirst(job);
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
            jobs.add(new ScalarGet(this, scalars.subList(i, Math.min(scalars.size(), i + chunk))));
        }
        for (Profile p : profiles) {
            for (Profile.Table t : p.tables()) {
                TableRows rows = new TableRows(t);
                tables.put(p.name() + "/" + t.name(), rows);
                for (int i = 0; i < t.columns().size(); i += chunk) {
                    jobs.add(new TableWalk(this, rows, t.columns().subList(i, Math.min(t.columns().size(), i + chunk))));
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

    void jobDone() {
        running--;
        next();
    }

    /** Ends the poll with {@code status}; an SNMPv3 refusal or an error makes the next poll discover the engine again. */
    void fail(PollResult.Status status, String detail) {
        if (status == PollResult.Status.AUTH_FAILURE || status == PollResult.Status.ERROR) {
            poller.forgetEngine(device);
        }
        finish(status, detail);
    }

    private synchronized void finish(PollResult.Status status, String detail) {
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
    void request(PDU pdu, java.util.function.Consumer<PDU> then) {
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

    /** A chain of requests; calls {@link #jobDone} when it ends. */
    interface Job {
        void step();
    }
}
