package io.junction.cluster.fence;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The fence's bookkeeping for answers to duplicates: every completion gets a registration number, and a barrier
 * completion (the answer to a duplicate) is held here until every completion registered before it has passed the
 * fence or failed.
 */
final class Barrier<T> {
    /** Completions registered and not yet passed or failed, by registration number. */
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();
    private final AtomicLong registered = new AtomicLong();
    private final List<T> held = new ArrayList<>();
    private final ToLongFunction<T> seq;

    /** {@code seq} gives a held completion's registration number. */
    Barrier(ToLongFunction<T> seq) {
        this.seq = seq;
    }

    /** A new completion's registration number. */
    long register() {
        long n = registered.incrementAndGet();
        inFlight.add(n);
        return n;
    }

    /** Holds {@code barrier} if a completion registered before it is unsettled; false if it may go on. */
    boolean hold(T barrier) {
        synchronized (held) {
            Long first = inFlight.isEmpty() ? null : inFlight.first();
            if (first != null && first < seq.applyAsLong(barrier)) {
                held.add(barrier);
                return true;
            }
            return false;
        }
    }

    /** The completion numbered {@code n} has passed or failed: returns the held ones that may now go on. */
    List<T> settled(long n) {
        inFlight.remove(n);
        List<T> ready = new ArrayList<>();
        synchronized (held) {
            if (held.isEmpty()) {
                return ready;
            }
            Long first = inFlight.isEmpty() ? null : inFlight.first();
            for (Iterator<T> i = held.iterator(); i.hasNext();) {
                T b = i.next();
                if (first == null || first >= seq.applyAsLong(b)) {
                    i.remove();
                    ready.add(b);
                }
            }
        }
        return ready;
    }

    /** Takes every held completion out and forgets what is unsettled: nothing of this life holds the next one. */
    List<T> drain() {
        synchronized (held) {
            List<T> all = new ArrayList<>(held);
            held.clear();
            inFlight.clear();
            return all;
        }
    }

    /** The held completions now (a copy). */
    List<T> held() {
        synchronized (held) {
            return new ArrayList<>(held);
        }
    }

    int unsettled() {
        return inFlight.size();
    }
}
