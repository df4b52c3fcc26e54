package io.junction.poll.site;

import io.junction.poll.snmp.PollResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the last poll of a device found that the next one compares against: whether it answered, refused the
 * credentials, its sysUpTime, and each interface's oper status. It travels in the device's poll message, so that a
 * transition is reported once whichever poller polls next, also after a poller dies.
 *
 * @param known false until the device was polled once: its first poll reports only a device that does not answer
 *        or refuses the credentials; its interfaces' statuses are the baseline later polls compare against
 */
public record DeviceState(boolean known, boolean reachable, boolean authFailed, Long sysUpTime, Map<String, Long> operStatus) {
    public static final DeviceState UNKNOWN = new DeviceState(false, true, false, null, Map.of());

    public DeviceState {
        operStatus = Map.copyOf(operStatus);
    }

    /** A transition the poll found. */
    public record Transition(String type, String severity, String instance, String label, String detail) {
    }

    /** The state after {@code r}; what did not answer keeps what was known of it. */
    public DeviceState after(PollResult r) {
        boolean up = r.status() == PollResult.Status.UP;
        boolean auth = r.status() == PollResult.Status.AUTH_FAILURE;
        // an error (an unsendable request, a broken answer) says nothing about whether the device is there
        boolean answered = up || auth || (r.status() == PollResult.Status.ERROR && reachable);
        Map<String, Long> oper = up ? operStatuses(r) : operStatus;
        return new DeviceState(true, answered, auth, up && r.sysUpTime() != null ? r.sysUpTime() : sysUpTime, oper);
    }

    /** As JSON, for the poll message. */
    public Map<String, Object> json() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("known", known);
        m.put("reachable", reachable);
        m.put("authFailed", authFailed);
        m.put("sysUpTime", sysUpTime);
        m.put("oper", new TreeMap<>(operStatus));
        return m;
    }

    /** Reads {@link #json}'s form; anything missing or unreadable is {@link #UNKNOWN}'s. */
    public static DeviceState of(org.apache.activemq.artemis.json.JsonObject o) {
        if (o == null) {
            return UNKNOWN;
        }
        Map<String, Long> oper = new TreeMap<>();
        org.apache.activemq.artemis.json.JsonObject statuses = o.getJsonObject("oper");
        if (statuses != null) {
            statuses.forEach((k, v) -> {
                if (v instanceof org.apache.activemq.artemis.json.JsonNumber n) {
                    oper.put(k, n.longValue());
                }
            });
        }
        Long up = o.containsKey("sysUpTime") && !o.isNull("sysUpTime") ? o.getJsonNumber("sysUpTime").longValue() : null;
        return new DeviceState(o.getBoolean("known", false), o.getBoolean("reachable", true), o.getBoolean("authFailed", false), up, oper);
    }

    /** The transitions from this state to the one after {@code r}, in the order they are reported. */
    public List<Transition> transitions(PollResult r) {
        List<Transition> out = new ArrayList<>();
        DeviceState next = after(r);
        if (reachable && !next.reachable) {
            out.add(new Transition("device-unreachable", "major", "", "", r.detail()));
        } else if (known && !reachable && next.reachable) {
            out.add(new Transition("device-reachable", "normal", "", "", ""));
        }
        if (!authFailed && next.authFailed) {
            out.add(new Transition("snmp-auth-failure", "major", "", "", r.detail()));
        } else if (authFailed && !next.authFailed && r.status() == PollResult.Status.UP) {
            out.add(new Transition("snmp-auth-ok", "normal", "", "", ""));
        }
        if (r.status() != PollResult.Status.UP) {
            return out;
        }
        if (sysUpTime != null && r.sysUpTime() != null && r.sysUpTime() < sysUpTime) {
            out.add(new Transition("device-restarted", "warning", "", "", "sysUpTime went back from " + sysUpTime + " to " + r.sysUpTime()));
        }
        Map<String, String> labels = new TreeMap<>();
        r.values().stream().filter(v -> v.name().equals("ifOperStatus")).forEach(v -> labels.put(v.instance(), v.label()));
        for (Map.Entry<String, Long> e : new TreeMap<>(next.operStatus).entrySet()) {
            Long before = operStatus.get(e.getKey());
            long now = e.getValue();
            boolean wasUp = before != null && before == 1;
            boolean isUp = now == 1;
            if (before == null) {
                // an interface seen for the first time (or a first poll) is a baseline, not a change
                continue;
            } else if (wasUp && !isUp) {
                out.add(new Transition("interface-down", "minor", e.getKey(), labels.getOrDefault(e.getKey(), ""), "ifOperStatus " + now));
            } else if (!wasUp && isUp) {
                out.add(new Transition("interface-up", "normal", e.getKey(), labels.getOrDefault(e.getKey(), ""), ""));
            }
        }
        return out;
    }

    private static Map<String, Long> operStatuses(PollResult r) {
        Map<String, Long> oper = new TreeMap<>();
        r.values().stream().filter(v -> v.name().equals("ifOperStatus") && v.value() instanceof Number)
                .forEach(v -> oper.put(v.instance(), ((Number) v.value()).longValue()));
        return oper;
    }
}
