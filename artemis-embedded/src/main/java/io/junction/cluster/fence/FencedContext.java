package io.junction.cluster.fence;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.io.OperationConsistencyLevel;
import org.apache.activemq.artemis.core.persistence.impl.journal.OperationContextImpl;

/**
 * A session's operation context that hands each completion (the moment a client is told its send, commit or
 * acknowledgement is safe) to the broker's {@link Fence} instead of running it at once. It tells the fence which
 * completions are covered by the group's backup: an operation lined up while the broker was not replicating is
 * <em>alone</em>, and so is one whose replication Artemis declared done without an answer from the backup (it does
 * that for every pending operation when the backup's connection fails, in the thread that noticed).
 */
final class FencedContext extends OperationContextImpl {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final Fence fence;
    /** An operation lined up since the last completion was registered was written without replication. */
    private volatile boolean alone;
    /** The fence's epoch when the first replicated operation since the last completion was lined up, or -1. */
    private volatile long lineUpEpoch = -1;
    /** A send since the last completion was refused as a duplicate: its answer vouches for an earlier send. */
    private volatile boolean duplicate;
    /** The fence's generation in which one of this session's completions failed while the broker stopped, or -1. */
    private final AtomicLong failed = new AtomicLong(-1);

    FencedContext(Executor executor, Fence fence) {
        super(executor);
        this.fence = fence;
    }

    @Override
    public void storeLineUp() {
        if (!fence.replicating()) {
            alone = true;
        }
        super.storeLineUp();
    }

    @Override
    public void pageSyncLineUp() {
        if (!fence.replicating()) {
            alone = true;
        }
        super.pageSyncLineUp();
    }

    @Override
    public void replicationLineUp() {
        if (lineUpEpoch < 0) {
            lineUpEpoch = fence.epoch();
        }
        super.replicationLineUp();
    }

    @Override
    public void replicationDone() {
        // Only ReplicationManager.replicated(), run for the backup's answer, completes a replication for real;
        // clearReplicationTokens() and releaseReplicatedPackets() complete them because the backup is gone.
        if (!WALKER.walk(frames -> frames.skip(1).findFirst().map(FencedContext::isBackupAnswer).orElse(false))) {
            fence.replicaLost();
        }
        super.replicationDone();
    }

    private static boolean isBackupAnswer(StackWalker.StackFrame caller) {
        return "replicated".equals(caller.getMethodName()) && caller.getDeclaringClass().getSimpleName().equals("ReplicationManager");
    }

    /**
     * A send in this context was dropped as a duplicate. Artemis answers it as stored, because an earlier send with the
     * same id was; so its answer must wait until every completion registered before it (that earlier send's among them)
     * has passed the fence, and then for a proof of its own.
     */
    void duplicateRouted() {
        duplicate = true;
    }

    @Override
    public void executeOnCompletion(IOCallback completion, OperationConsistencyLevel level) {
        long epoch = lineUpEpoch >= 0 ? lineUpEpoch : fence.epoch();
        lineUpEpoch = -1;
        boolean wasAlone = alone;
        alone = false;
        boolean wasDuplicate = duplicate;
        duplicate = false;
        super.executeOnCompletion(fence.gate(completion, wasAlone || wasDuplicate, epoch, wasDuplicate, failed), level);
    }
}
