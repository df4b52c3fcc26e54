package io.junction.cluster.fence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.persistence.impl.journal.OperationContextImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back every completion that the group's backup does not cover until the broker has proved, after the
 * operation reached its disk, that it is still its group's rightful active broker ({@link Proof}).
 * <p>
 * When the backup's connection fails, Artemis declares every pending replication done at once and goes on
 * acknowledging alone, while the raise of the activation sequence that would make the backup's copy stale runs later,
 * on another thread. A broker frozen for longer than its lock session wakes up, finds its backup gone because that
 * backup has taken over, and acknowledges operations that its group then loses.
 * <p>
 * Here a completion runs at once only if all its operations were answered by the backup and no replication was
 * declared done without an answer since they were lined up ({@link #gate}); any other waits in one queue, in the
 * order completions became due (CORE confirmations are cumulative, so none may overtake another), until a proof
 * begun after it arrived succeeds. When the broker stops, the queue fails: those clients get an error or lose their
 * connection, and retry on the broker that took over, where duplicate detection makes the retry harmless.
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
    private FenceMode mode = FenceMode.PASSIVE;
    /** Counts the changes of mode: a session's failure (see {@link #gate}) counts until the next one. */
    private long generation;
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
     * passed the fence or failed. Once a completion of its session ({@code sessionFailed}: the generation then, or -1)
     * failed while the broker stopped, it fails too: CORE confirms cumulatively, and a success would tell the client
     * (docs/ha.md: a cluster bridge) that the failed sends were stored.
     */
    IOCallback gate(IOCallback completion, boolean alone, long epoch, boolean barrier, AtomicLong sessionFailed) {
        return new Gated(this, completion, alone, epoch, duplicates.register(), barrier, sessionFailed);
    }

    private final Barrier<Gated> duplicates = new Barrier<>(g -> g.seq);

    /** {@code g} has passed or failed: a barrier completion waiting for it may go on. */
    void settled(Gated g) {
        duplicates.settled(g.seq).forEach(this::arrive);
    }

    /**
     * The broker is starting (again): until it activates, it has no clients to fence. Whatever an earlier life left
     * waiting fails now: nothing would ever prove it, and completions of this life would queue behind it (seen in a
     * chaos run: a failed-back backup's 65 completions held until the node restarted it).
     */
    void passive() {
        failAll(FenceMode.PASSIVE, "completions of an earlier activation never acknowledged",
                "the broker restarted before it could prove it was its group's active broker");
    }

    /** The broker is active: completions alone wait for {@code proof}. */
    void proveWith(Proof proof) {
        synchronized (lock) {
            this.proof = proof;
            mode = FenceMode.ACTIVE;
            generation++;
            lock.notifyAll();
        }
    }

    /** The broker is stopping: every completion waiting fails, and the fence waits for the next activation. */
    void fail(String why) {
        failAll(FenceMode.STOPPING, "completions never acknowledged: " + why,
                "the broker stopped before it could prove it is still its group's active broker: " + why);
    }

    /** Enters {@code next} and fails whatever waits (a proof, or the completions before a duplicate's answer). */
    private void failAll(FenceMode next, String logged, String why) {
        List<Gated> failed;
        synchronized (lock) {
            proof = null;
            mode = next;
            generation++;
            failed = new ArrayList<>(waiting);
            waiting.clear();
            // completions of this life that never ran can hold no barrier of the next one
            failed.addAll(duplicates.drain());
            if (next == FenceMode.STOPPING) {
                // their sessions fail from now on, also before each of these has failed
                failed.forEach(g -> g.sessionFailed.set(generation));
            }
        }
        if (!failed.isEmpty()) {
            LOG.warn("{}: {} {}", name, failed.size(), logged);
        }
        for (Gated g : failed) {
            g.fail(why);
        }
    }

    /** Completions that waited for a proof since the broker started (for tests and benchmarks); {@link #proofs()}: proofs made. */
    public long held() {
        return held.get();
    }

    public long proofs() {
        return proofs.get();
    }

    /**
     * How long, in nanoseconds up to {@code now}, the oldest completion still held (waiting for a proof, or an answer to
     * a duplicate waiting for the completions before it) has been held; 0 if none is: one held long blocks every client.
     */
    public long heldFor(long now) {
        List<Gated> oldest = duplicates.held();
        synchronized (lock) {
            Gated first = waiting.peek();
            if (first != null) {
                oldest.add(first);
            }
        }
        return oldest.stream().mapToLong(g -> Math.max(0, now - g.arrivedAt)).max().orElse(0);
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
        int barred = duplicates.held().size();
        Proof p = proof;
        return proving + " waiting for a proof (" + (p == null ? "no proof: not active" : p.why()) + "), " + barred
                + " answers to duplicates waiting for earlier completions, " + duplicates.unsettled() + " completions unsettled";
    }

    void arrive(Gated g) {
        if (g.arrivedAt == 0) {
            g.arrivedAt = System.nanoTime();
        }
        if (g.barrier && !g.pastBarrier && duplicates.hold(g)) {
            return;
        }
        g.pastBarrier = true;
        boolean covered = !g.alone && g.epoch == epoch.get();
        boolean refuse = false;
        synchronized (lock) {
            if (mode == FenceMode.PASSIVE) {
                // no clients, nothing to fence (and nothing to wait behind: passive() failed what was left)
                covered = true;
            } else if (mode == FenceMode.STOPPING) {
                // nothing proves anything any more: one that would have to queue behind others fails instead
                refuse = !covered || releasing || !waiting.isEmpty() || g.sessionFailed.get() == generation;
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
                        if (mode != FenceMode.ACTIVE && waiting.isEmpty()) {
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

    /** {@code g} fails: while the broker stops, its session fails from now on (see {@link #gate}). */
    void failing(Gated g) {
        synchronized (lock) {
            if (mode == FenceMode.STOPPING) {
                g.sessionFailed.set(generation);
            }
        }
    }
}
