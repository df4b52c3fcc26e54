package io.junction.cluster.fence;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.core.io.IOCallback;

/**
 * One completion handed to the {@link Fence}: Artemis calls {@link #done()} when the operations it covers are stored,
 * and the fence then passes it on, holds it, or fails it.
 */
final class Gated implements IOCallback {
    private final Fence fence;
    private final IOCallback completion;
    /** An operation it covers was not replicated. */
    final boolean alone;
    /** The fence's epoch when its operations were lined up. */
    final long epoch;
    /** Its registration number (the order the duplicates' barrier keeps). */
    final long seq;
    /** The answer to a duplicate: it waits for every completion registered before it. */
    final boolean barrier;
    volatile boolean pastBarrier;
    /** Its session's record of a failure while the broker stopped (the fence's generation then, or -1). */
    final AtomicLong sessionFailed;
    /** When it first reached the fence (System.nanoTime), or 0 before. */
    volatile long arrivedAt;

    Gated(Fence fence, IOCallback completion, boolean alone, long epoch, long seq, boolean barrier, AtomicLong sessionFailed) {
        this.fence = fence;
        this.completion = completion;
        this.alone = alone;
        this.epoch = epoch;
        this.seq = seq;
        this.barrier = barrier;
        this.sessionFailed = sessionFailed;
    }

    void pass() {
        try {
            completion.done();
        } finally {
            fence.settled(this);
        }
    }

    void fail(String why) {
        onError(ActiveMQExceptionType.IO_ERROR.getCode(), why);
    }

    @Override
    public void done() {
        fence.arrive(this);
    }

    /** Failed by the fence, or by Artemis (a stop fails what its journal or replication still held). */
    @Override
    public void onError(int errorCode, String errorMessage) {
        fence.failing(this);
        try {
            completion.onError(errorCode, errorMessage);
        } finally {
            fence.settled(this);
        }
    }
}
