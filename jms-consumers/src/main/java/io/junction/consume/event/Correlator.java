package io.junction.consume.event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Turns events into problems, one per cause: an event whose problem is open counts as a repeat; a recovery
 * ({@code device-reachable}, {@code interface-up}, {@code snmp-auth-ok}) closes the problem it recovers; more than
 * {@link #FLAP_CHANGES} changes of one thing within {@link #FLAP_WINDOW} make one {@code flapping} problem, which takes
 * the changes that follow until it has been quiet for the window; and while a device is unreachable its interface and
 * trap events are its consequences, counted on the device's problem, not problems of their own. Events below
 * {@code warning} that recover nothing open nothing. Not thread-safe: one per event manager, fed in order per device.
 */
public final class Correlator {
    /** More changes than this within {@link #FLAP_WINDOW}: flapping. */
    public static final int FLAP_CHANGES = 3;
    public static final Duration FLAP_WINDOW = Duration.ofMinutes(10);
    private static final Map<String, String> RECOVERS = Map.of("device-reachable", "device-unreachable", "interface-up", "interface-down",
            "snmp-auth-ok", "snmp-auth-failure", SiteWatch.BACK, SiteWatch.LOST);
    /** The problem types that a recovery closes. */
    public static final java.util.Set<String> RECOVERABLE = java.util.Set.copyOf(RECOVERS.values());
    private static final List<String> SERIOUS = List.of("critical", "major", "minor", "warning");

    /** What an event did. */
    public enum Outcome { OPENED, REPEATED, CLOSED, FLAPPING, SUPPRESSED, RECORDED }

    /** An event's outcome and the problem it opened, counted on or closed (none for {@link Outcome#RECORDED}). */
    public record Change(Outcome outcome, Problem problem) {
    }

    /**
     * What a correlator remembers beyond its open problems, to be kept with them: each thing's recent changes, and under
     * a flapping problem, the severity of the thing's last opening event (absent if it last recovered).
     */
    public record Memory(Map<String, List<Instant>> changes, Map<String, String> downUnderFlap) {
        public static final Memory EMPTY = new Memory(Map.of(), Map.of());
    }

    private final Map<String, Problem> open = new HashMap<>();
    private final Map<String, Deque<Instant>> changes = new HashMap<>();
    private final Map<String, String> downUnderFlap = new HashMap<>();
    private final List<Problem> ended = new ArrayList<>();
    private final LongSupplier ids;

    /** A correlator that remembers nothing yet and numbers its problems from 1. */
    public Correlator() {
        this(new AtomicLong(1)::getAndIncrement);
    }

    private Correlator(LongSupplier ids) {
        this.ids = ids;
    }

    /**
     * A correlator that goes on from {@code open} and {@code memory}, as a store kept them; the problems it opens have
     * id 0 until the store numbers them.
     */
    public static Correlator restore(Collection<Problem> open, Memory memory) {
        Correlator c = new Correlator(() -> 0);
        for (Problem p : open) {
            c.open.put(p.key(), p);
        }
        memory.changes().forEach((thing, at) -> c.changes.put(thing, new ArrayDeque<>(at)));
        c.downUnderFlap.putAll(memory.downUnderFlap());
        return c;
    }

    /** What this correlator remembers at {@code now}, beyond {@link #open}: changes older than the window are forgotten. */
    public Memory memory(Instant now) {
        Map<String, List<Instant>> kept = new HashMap<>();
        Instant since = now.minus(FLAP_WINDOW);
        changes.forEach((thing, at) -> {
            List<Instant> recent = at.stream().filter(t -> !t.isBefore(since)).toList();
            if (!recent.isEmpty()) {
                kept.put(thing, recent);
            }
        });
        return new Memory(kept, Map.copyOf(downUnderFlap));
    }

    static String key(String tenant, String device, String type, String instance) {
        return tenant + "/" + device + "/" + type + "/" + instance;
    }

    /** The problems open now. */
    public List<Problem> open() {
        return List.copyOf(open.values());
    }

    public Change take(Incoming e) {
        String opens = RECOVERS.getOrDefault(e.type(), e.type());
        boolean recovery = RECOVERS.containsKey(e.type());
        String thing = key(e.tenant(), e.device(), opens, e.instance());
        if (!e.type().startsWith("device-") && !e.type().startsWith("snmp-")) {
            Problem down = open.get(key(e.tenant(), e.device(), "device-unreachable", ""));
            if (down != null) {
                // the device is down: its interfaces and traps are consequences, not causes
                Problem explained = down.explained();
                open.put(down.key(), explained);
                return new Change(Outcome.SUPPRESSED, explained);
            }
        }
        Optional<Change> flapping = flapping(e, thing, opens);
        if (flapping.isPresent()) {
            return flapping.get();
        }
        Problem current = open.get(thing);
        if (recovery) {
            if (current == null) {
                return new Change(Outcome.RECORDED, null);
            }
            open.remove(thing);
            return new Change(Outcome.CLOSED, current.closed(e.time()));
        }
        if (current != null) {
            Problem again = current.seenAgain(e.time());
            open.put(thing, again);
            return new Change(Outcome.REPEATED, again);
        }
        if (!SERIOUS.contains(e.severity())) {
            return new Change(Outcome.RECORDED, null);
        }
        Problem p = new Problem(ids.getAsLong(), e.tenant(), e.site(), e.device(), opens, e.instance(), e.severity(), 1, 0, e.time(), e.time(), null);
        open.put(thing, p);
        return new Change(Outcome.OPENED, p);
    }

    /** Counts a change of {@code thing}; when it flaps, the flapping problem takes the event. */
    private Optional<Change> flapping(Incoming e, String thing, String opens) {
        boolean change = RECOVERS.containsKey(e.type()) || RECOVERS.containsValue(e.type());
        String flapKey = key(e.tenant(), e.device(), "flapping", opens + ":" + e.instance());
        Problem flap = open.get(flapKey);
        if (flap != null && flap.lastSeen().plus(FLAP_WINDOW).isBefore(e.time())) {
            // quiet for the window: the flapping is over, and this event is judged on its own
            endFlapping(flapKey, flap, e.time());
            flap = null;
        }
        if (!change) {
            return Optional.empty();
        }
        if (flap != null) {
            under(thing, e);
            Problem again = flap.seenAgain(e.time());
            open.put(flapKey, again);
            return Optional.of(new Change(Outcome.REPEATED, again));
        }
        // a change is a transition: a problem opening, or an open one recovering (not a repeat of either)
        boolean isOpen = open.containsKey(thing);
        if (RECOVERS.containsKey(e.type()) != isOpen) {
            return Optional.empty();
        }
        Deque<Instant> seen = changes.computeIfAbsent(thing, k -> new ArrayDeque<>());
        seen.addLast(e.time());
        while (!seen.isEmpty() && seen.peekFirst().plus(FLAP_WINDOW).isBefore(e.time())) {
            seen.removeFirst();
        }
        if (seen.size() <= FLAP_CHANGES) {
            return Optional.empty();
        }
        // the problem it keeps opening and closing becomes one flapping problem
        Problem was = open.remove(thing);
        if (was != null) {
            downUnderFlap.put(thing, was.severity());
        }
        under(thing, e);
        Problem p = new Problem(ids.getAsLong(), e.tenant(), e.site(), e.device(), "flapping", opens + ":" + e.instance(), "warning", seen.size(), 0,
                seen.peekFirst(), e.time(), null);
        open.put(flapKey, p);
        return Optional.of(new Change(Outcome.FLAPPING, p));
    }

    /**
     * Ends the flapping problems quiet for the window at {@code now} (no event of their thing since), as the thing's next
     * event would: a periodic sweep, so that a flapping that stopped does not stay open until the device says more.
     */
    public void endQuiet(Instant now) {
        for (Problem flap : List.copyOf(open.values())) {
            if (flap.type().equals("flapping") && flap.lastSeen().plus(FLAP_WINDOW).isBefore(now)) {
                endFlapping(flap.key(), flap, now);
            }
        }
    }

    /** The flapping is over; if its thing was left down, the thing's own problem opens again. */
    private void endFlapping(String flapKey, Problem flap, Instant at) {
        int colon = flap.instance().indexOf(':');
        String opens = flap.instance().substring(0, colon);
        String instance = flap.instance().substring(colon + 1);
        String thing = key(flap.tenant(), flap.device(), opens, instance);
        open.remove(flapKey);
        ended.add(flap.closed(at));
        changes.remove(thing);
        String severity = downUnderFlap.remove(thing);
        if (severity != null) {
            open.put(thing, new Problem(ids.getAsLong(), flap.tenant(), flap.site(), flap.device(), opens, instance, severity, 1, 0, flap.lastSeen(),
                    flap.lastSeen(), null));
        }
    }

    /** Keeps, under a flapping problem, whether the thing was last down (and how seriously) or up. */
    private void under(String thing, Incoming e) {
        if (RECOVERS.containsKey(e.type())) {
            downUnderFlap.remove(thing);
        } else {
            downUnderFlap.put(thing, e.severity());
        }
    }

    /** Problems that ended without an event of their own (a flapping that went quiet), since the last call. */
    public List<Problem> drainEnded() {
        List<Problem> out = List.copyOf(ended);
        ended.clear();
        return out;
    }

    /** Problems of {@code tenant}'s {@code device} that are open. */
    public List<Problem> openOf(String tenant, String device) {
        List<Problem> out = new ArrayList<>();
        for (Problem p : open.values()) {
            if (p.tenant().equals(tenant) && p.device().equals(device)) {
                out.add(p);
            }
        }
        return out;
    }
}
