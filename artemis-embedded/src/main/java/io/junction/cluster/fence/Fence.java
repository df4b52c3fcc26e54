package io.junction.cluster.fence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.persistence.impl.journal.OperationContextImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back every completion that the group's backup does not cover until the broker has proved, after the
 * operation reached its disk, that it is still its group's rightful active broker ({@link Proof}).
 * <p>
 * Artemis acknowledges a client once its operation is on the active broker's disk and, while it replicates, on the
 * backup's. When the backup's connection fails it declares every pending replication done at once, and it goes on
 * acknowledging alone while the raise of the activation sequence that would make the backup's copy stale runs
 * later, on another thread. A broker frozen for longer than its lock session (a GC pause, a stalled VM) wakes up,
 * finds its backup gone because that backup has taken over, and acknowledges operations that its group then loses.
 * <p>
 * Here a completion runs at once only if all its operations were answered by the backup and no replication was
 * declared done without an answer since they were lined up ({@link #gate}); any other waits in one queue, in the
 * order completions became due (CORE confirmations are cumulative, so none may overtake another), until a proof
 * begun after it arrived succeeds. Then the queue runs in order. When the broker stops, the queue fails: those
 * clients get an error or lose their connection, and retry on the broker that took over, where duplicate detection
 * makes the retry harmless.
 */
public final class Fence {
    private static final Logger LOG = LoggerFactory.getLogger(Fence.class);
    private static final long RETRY_MILLIS = 20;

    private final String name;
    private final BooleanSupplier replicating;
    private final AtomicLong epoch = new AtomicLong();
    private final Object lock = new Object();
    private final ArrayDeque<Gated> waiting = new ArrayDeque<>();
    private boolean releasing;
    private volatile Proof proof;
    private volatile Runnable onReplicaLost = () -> { };
    /**
     * Passive (before an activation: no clients, nothing to fence, every completion passes), active (completions alone
     * wait for a proof), or stopping (from the start of a stop to the next start: completions alone fail at once).
     */
    private enum Mode { PASSIVE, ACTIVE, STOPPING }

    private Mode mode = Mode.PASSIVE;
    private Thread prover;
    private final AtomicLong proofs = new AtomicLong();
    private final AtomicLong held = new AtomicLong();

    /** {@code replicating} says whether the broker's storage is being replicated to a backup right now. */
    Fence(String name, BooleanSupplier replicating) {
        this.name = name;
        this.replicating = replicating;
    }

    boolean replicating() {
        return replicating.getAsBoolean();
    }

    long epoch() {
        return epoch.get();
    }

    /** Artemis declared a replication done without the backup's answer: completions lined up before cannot pass alone. */
    void replicaLost() {
        onReplicaLost.run();
        epoch.incrementAndGet();
    }

    /** Runs {@code listener} in the thread that noticed, before the completions cut short can reach the fence. */
    void onReplicaLost(Runnable listener) {
        onReplicaLost = listener;
    }

    /**
     * Wraps a completion: {@code alone} if an operation it covers was not replicated, {@code epoch} when they were lined
     * up; a {@code barrier} completion (the answer to a duplicate) waits until every completion registered before it has
     * passed the fence or failed.
     */
    IOCallback gate(IOCallback completion, boolean alone, long epoch, boolean barrier) {
        Gated g = new Gated(completion, alone, epoch, registered.incrementAndGet(), barrier);
        inFlight.add(g.seq);
        return g;
    }

    /** Completions registered and not yet passed or failed, by registration number: what a barrier waits for. */
    private final java.util.concurrent.ConcurrentSkipListSet<Long> inFlight = new java.util.concurrent.ConcurrentSkipListSet<>();
    private final AtomicLong registered = new AtomicLong();
    private final List<Gated> atBarrier = new ArrayList<>();

    /** {@code g} has passed or failed: a barrier completion waiting for it may go on. */
    private void settled(Gated g) {
        inFlight.remove(g.seq);
        List<Gated> ready = new ArrayList<>();
        synchronized (atBarrier) {
            if (atBarrier.isEmpty()) {
                return;
            }
            Long first = inFlight.isEmpty() ? null : inFlight.first();
            for (java.util.Iterator<Gated> i = atBarrier.iterator(); i.hasNext();) {
                Gated b = i.next();
                if (first == null || first >= b.seq) {
                    i.remove();
                    ready.add(b);
                }
            }
        }
        ready.forEach(this::arrive);
    }

    /**
     * The broker is starting (again): until it activates, it has no clients to fence. Whatever an earlier life left
     * waiting fails now: nothing would ever prove it, and completions of this life would queue behind it (seen in a
     * chaos run: a failed-back backup's 65 completions held until the node restarted it).
     */
    void passive() {
        List<Gated> leftovers;
        synchronized (lock) {
            mode = Mode.PASSIVE;
            proof = null;
            leftovers = new ArrayList<>(waiting);
            waiting.clear();
        }
        synchronized (atBarrier) {
            leftovers.addAll(atBarrier);
            atBarrier.clear();
        }
        // completions of an earlier life of this broker that never ran can hold no barrier of the next one
        inFlight.clear();
        if (!leftovers.isEmpty()) {
            LOG.warn("{}: {} completions of an earlier activation never acknowledged", name, leftovers.size());
        }
        for (Gated g : leftovers) {
            g.fail("the broker restarted before it could prove it was its group's active broker");
        }
    }

    /** The broker is active: completions alone wait for {@code proof}. */
    void proveWith(Proof proof) {
        synchronized (lock) {
            this.proof = proof;
            mode = Mode.ACTIVE;
            lock.notifyAll();
        }
    }

    /** The broker is stopping: every completion waiting fails, and the fence waits for the next activation. */
    void fail(String why) {
        List<Gated> failed;
        synchronized (lock) {
            this.proof = null;
            mode = Mode.STOPPING;
            failed = new ArrayList<>(waiting);
            waiting.clear();
        }
        synchronized (atBarrier) {
            failed.addAll(atBarrier);
            atBarrier.clear();
        }
        if (!failed.isEmpty()) {
            LOG.warn("{}: {} completions never acknowledged: {}", name, failed.size(), why);
        }
        inFlight.clear();
        for (Gated g : failed) {
            g.fail("the broker stopped before it could prove it is still its group's active broker: " + why);
        }
    }

    /** Completions that waited for a proof, and the proofs made, since the broker started (for tests and benchmarks). */
    public long held() {
        return held.get();
    }

    public long proofs() {
        return proofs.get();
    }

    /**
     * How long, in nanoseconds up to {@code now}, the oldest completion still held (waiting for a proof, or an answer to
     * a duplicate waiting for the completions before it) has been held; 0 if none is. A broker that holds one for long
     * answers none of the clients behind it.
     */
    public long heldFor(long now) {
        long oldest = 0;
        synchronized (lock) {
            Gated first = waiting.peek();
            if (first != null) {
                oldest = first.arrivedAt;
            }
        }
        synchronized (atBarrier) {
            for (Gated g : atBarrier) {
                oldest = oldest == 0 ? g.arrivedAt : Math.min(oldest, g.arrivedAt);
            }
        }
        return oldest == 0 ? 0 : Math.max(0, now - oldest);
    }

    /** Periodic upkeep of an active broker's proof (its activation sequence above any replica that has left). */
    public void maintain() {
        Proof p = proof;
        if (p != null) {
            p.maintain();
        }
    }

    /** Whether the completions held wait only for a backup's copy of the journal to finish, which will prove them. */
    public boolean waitsForACopy() {
        Proof p = proof;
        return p != null && p.waitsForACopy();
    }

    /** Completions held right now, and why the last proof failed: for the log line of a broker that holds them too long. */
    public String holding() {
        int proving;
        synchronized (lock) {
            proving = waiting.size();
        }
        int barred;
        synchronized (atBarrier) {
            barred = atBarrier.size();
        }
        Proof p = proof;
        return proving + " waiting for a proof (" + (p == null ? "no proof: not active" : p.why()) + "), " + barred
                + " answers to duplicates waiting for earlier completions, " + inFlight.size() + " completions unsettled";
    }

    private void arrive(Gated g) {
        if (g.arrivedAt == 0) {
            g.arrivedAt = System.nanoTime();
        }
        if (g.barrier && !g.pastBarrier) {
            synchronized (atBarrier) {
                Long first = inFlight.isEmpty() ? null : inFlight.first();
                if (first != null && first < g.seq) {
                    atBarrier.add(g);
                    return;
                }
            }
        }
        g.pastBarrier = true;
        boolean covered = !g.alone && g.epoch == epoch.get();
        boolean refuse = false;
        synchronized (lock) {
            if (mode == Mode.PASSIVE) {
                // no clients, nothing to fence (and nothing to wait behind: passive() failed what was left)
                covered = true;
            } else if (mode == Mode.STOPPING) {
                // nothing proves anything any more: one that would have to queue behind others fails instead
                refuse = !covered || releasing || !waiting.isEmpty();
            } else if (!covered || releasing || !waiting.isEmpty()) {
                waiting.add(g);
                held.incrementAndGet();
                startProver();
                lock.notifyAll();
                return;
            }
        }
        if (refuse) {
            g.fail("the broker is not its group's active broker");
        } else {
            g.pass();
        }
    }

    private void startProver() {
        if (prover == null) {
            prover = new Thread(this::proveLoop, "junction-fence-" + name);
            prover.setDaemon(true);
            prover.start();
        }
    }

    private void proveLoop() {
        try {
            while (true) {
                int due;
                Proof p;
                synchronized (lock) {
                    while (waiting.isEmpty() || proof == null) {
                        if (mode != Mode.ACTIVE && waiting.isEmpty()) {
                            // a broker that stopped has nothing left to prove: the next one to wait starts a new prover
                            prover = null;
                            return;
                        }
                        lock.wait(1_000);
                    }
                    due = waiting.size();
                    p = proof;
                }
                // every completion counted in `due` was on disk before this proof began
                boolean proved;
                try {
                    proved = p.prove();
                } catch (RuntimeException e) {
                    // a prover that died would leave every completion alone waiting for ever
                    LOG.warn("{}: a proof failed unexpectedly, trying again: {}", name, e.toString());
                    proved = false;
                }
                if (!proved) {
                    Thread.sleep(RETRY_MILLIS);
                    continue;
                }
                proofs.incrementAndGet();
                release(due);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(int due) {
        List<Gated> batch = new ArrayList<>(due);
        synchronized (lock) {
            for (int i = 0; i < due && !waiting.isEmpty(); i++) {
                batch.add(waiting.poll());
            }
            releasing = true;
        }
        try {
            OperationContextImpl.clearContext();
            for (Gated g : batch) {
                try {
                    g.pass();
                } catch (RuntimeException e) {
                    LOG.warn("{}: a completion failed: {}", name, e.toString());
                }
            }
        } finally {
            synchronized (lock) {
                releasing = false;
            }
        }
    }

    /** One test of the broker's right to acknowledge alone: true only if it is still its group's active broker. */
    interface Proof {
        boolean prove() throws InterruptedException;

        /** Why the last proof failed, in a few words. */
        default String why() {
            return "unknown";
        }

        /** Periodic upkeep while the broker is active (see {@link Fence#maintain()}). */
        default void maintain() {
        }

        /** Whether the last proof failed only because a backup is still copying the journal (its copy will prove). */
        default boolean waitsForACopy() {
            return false;
        }
    }

    private final class Gated implements IOCallback {
        final IOCallback completion;
        final boolean alone;
        final long epoch;
        final long seq;
        final boolean barrier;
        volatile boolean pastBarrier;
        /** When it first reached the fence (System.nanoTime), or 0 before. */
        volatile long arrivedAt;

        Gated(IOCallback completion, boolean alone, long epoch, long seq, boolean barrier) {
            this.completion = completion;
            this.alone = alone;
            this.epoch = epoch;
            this.seq = seq;
            this.barrier = barrier;
        }

        void pass() {
            try {
                completion.done();
            } finally {
                settled(this);
            }
        }

        void fail(String why) {
            try {
                completion.onError(ActiveMQExceptionType.IO_ERROR.getCode(), why);
            } finally {
                settled(this);
            }
        }

        @Override
        public void done() {
            arrive(this);
        }

        @Override
        public void onError(int errorCode, String errorMessage) {
            try {
                completion.onError(errorCode, errorMessage);
            } finally {
                settled(this);
            }
        }
    }
}
