package io.junction.poll.trap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A rate limit per sender (the address packets come from): each may send {@code perSecond} traps a second, in bursts
 * of as many; the rest are dropped and counted. A storm (drops from one sender) ends when the sender has had nothing
 * dropped for {@link #QUIET_MS}; it is then reported once, with its count, by {@link #endedStorms}; a storm that goes
 * on is reported every {@link #REPORT_EVERY_MS}. At most {@link #MAX_SENDERS} senders are tracked (the idle are
 * forgotten, at most once a second): a flood of spoofed sources cannot grow it without bound; past that every new
 * sender shares one bucket.
 */
final class SourceLimiter {
    static final long QUIET_MS = 5_000;
    static final int MAX_SENDERS = 10_000;
    static final long REPORT_EVERY_MS = 60_000;
    private static final String OTHERS = "(other senders)";

    private final int perSecond;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long sweptAt;

    /** A finished storm: {@code dropped} traps of {@code sender} refused between {@code from} and {@code to} (epoch ms). */
    record Storm(String sender, long dropped, long from, long to) {
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;
        long dropped;
        long firstDrop;
        long lastDrop;
    }

    SourceLimiter(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1");
        }
        this.perSecond = perSecond;
    }

    /** Whether a trap of {@code sender} at {@code nowMs} may go on; if not, it is counted in the sender's storm. */
    synchronized boolean allow(String sender, long nowMs) {
        Bucket b = buckets.get(sender);
        if (b == null) {
            if (buckets.size() >= MAX_SENDERS && nowMs - sweptAt >= 1_000) {
                forgetIdle(nowMs);
            }
            String key = buckets.size() >= MAX_SENDERS ? OTHERS : sender;
            b = buckets.computeIfAbsent(key, k -> {
                Bucket fresh = new Bucket();
                fresh.tokens = perSecond;
                fresh.refilledAt = nowMs;
                return fresh;
            });
        }
        b.tokens = Math.min(perSecond, b.tokens + (nowMs - b.refilledAt) * perSecond / 1000.0);
        b.refilledAt = nowMs;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return true;
        }
        if (b.dropped == 0) {
            b.firstDrop = nowMs;
        }
        b.dropped++;
        b.lastDrop = nowMs;
        return false;
    }

    /** The storms that have ended by {@code nowMs}, or lasted a report period (all of them when {@code all}), each once. */
    synchronized List<Storm> endedStorms(long nowMs, boolean all) {
        List<Storm> ended = new ArrayList<>();
        for (Map.Entry<String, Bucket> e : buckets.entrySet()) {
            Bucket b = e.getValue();
            if (b.dropped > 0 && (all || nowMs - b.lastDrop >= QUIET_MS || nowMs - b.firstDrop >= REPORT_EVERY_MS)) {
                ended.add(new Storm(e.getKey(), b.dropped, b.firstDrop, b.lastDrop));
                b.dropped = 0;
            }
        }
        forgetIdle(nowMs);
        return ended;
    }

    private void forgetIdle(long nowMs) {
        sweptAt = nowMs;
        Iterator<Bucket> it = buckets.values().iterator();
        while (it.hasNext()) {
            Bucket b = it.next();
            if (b.dropped == 0 && nowMs - b.refilledAt > 60_000) {
                it.remove();
            }
        }
    }
}
