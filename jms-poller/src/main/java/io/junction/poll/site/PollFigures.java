package io.junction.poll.site;

import io.junction.poll.snmp.Device;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A site poller's counts, as it announces them: polls done, due times skipped, and the devices it polled lately with
 * how long each took. The counts may be read from any thread; {@link #polled} and {@link #announced} are the polling
 * thread's.
 */
final class PollFigures {
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    /** The devices polled lately: when, how long it took, and their interval (by identity). */
    private final Map<String, Held> held = new HashMap<>();

    private record Held(String name, long at, long intervalMs, long durationMs) {
    }

    long polls() {
        return polls.get();
    }

    long skipped() {
        return skipped.get();
    }

    /** A poll of {@code d} due at {@code due} took {@code durationMs}; its next is due at {@code next}. */
    void polled(Device d, long due, long next, long durationMs) {
        long interval = d.interval().toMillis();
        skipped.addAndGet(Math.max(0, (next - due) / interval - 1));
        held.put(d.identity(), new Held(d.name(), System.currentTimeMillis(), interval, durationMs));
        polls.incrementAndGet();
    }

    /** The devices polled within two of their intervals, the counts, and the five slowest devices. */
    Map<String, Object> announced(int polling, int waiting) {
        long now = System.currentTimeMillis();
        held.values().removeIf(h -> now - h.at() > 2 * h.intervalMs());
        List<Held> byDuration = new ArrayList<>(held.values());
        byDuration.sort((a, b) -> Long.compare(b.durationMs(), a.durationMs()));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("devices", held.size());
        f.put("polls", polls.get());
        f.put("skipped", skipped.get());
        f.put("polling", polling);
        f.put("waiting", waiting);
        f.put("pollMedianMs", byDuration.isEmpty() ? 0 : byDuration.get(byDuration.size() / 2).durationMs());
        List<Map<String, Object>> slowest = new ArrayList<>();
        for (Held h : byDuration.subList(0, Math.min(5, byDuration.size()))) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device", h.name());
            d.put("ms", h.durationMs());
            slowest.add(d);
        }
        f.put("slowest", slowest);
        return f;
    }
}
