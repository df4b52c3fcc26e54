package io.junction.cluster.fence;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.utils.ArtemisCloseable;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.impl.journal.JournalStorageManager;
import org.apache.activemq.artemis.core.persistence.impl.journal.OperationContextImpl;
import org.apache.activemq.artemis.core.replication.ReplicationManager;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;

/**
 * The broker's journal storage, handing out {@link FencedContext}s wherever Artemis would make a plain operation
 * context: for a new session, and for a thread that has none. MQTT, for one, publishes on pool threads whose context
 * is whatever the thread last held, and acknowledges a QoS 1 publish when that context's operations complete.
 */
final class FencedStorage extends JournalStorageManager {
    private final Fence fence;
    private final ReplicaSequences replicas;

    FencedStorage(Configuration config, ActiveMQServerImpl server, Fence fence, ReplicaSequences replicas) {
        super(config, server.getCriticalAnalyzer(), server.getExecutorFactory(), server.getScheduledPool(), server.getIOExecutorFactory(),
                server.getIoCriticalErrorListener());
        this.fence = fence;
        this.replicas = replicas;
    }

    /**
     * A replication begins: from now on its backup may hold a copy current at the broker's sequence, however the
     * replication ends. Counted here, after Artemis made the replication its current one, so that a raise made while
     * none is current covers every replication counted before it.
     */
    @Override
    public void startReplication(ReplicationManager replicationManager, PagingManager pagingManager, String nodeID, boolean autoFailBack,
            long initialReplicationSyncTimeout) throws Exception {
        replicas.began(replicationManager::isStarted);
        super.startReplication(replicationManager, pagingManager, nodeID, autoFailBack, initialReplicationSyncTimeout);
    }

    @Override
    public OperationContext newContext(java.util.concurrent.Executor executor) {
        return new FencedContext(executor, fence);
    }

    /**
     * The thread's context, made fenced if the thread has none or holds an idle plain one (Artemis's replication
     * makes plain ones for threads without a context); a plain context with operations in flight is left alone.
     */
    @Override
    public OperationContext getContext() {
        OperationContext current = OperationContextImpl.getContext();
        if (current instanceof FencedContext) {
            return current;
        }
        if (current == null || current instanceof OperationContextImpl plain && idle(plain)) {
            current = new FencedContext(executorFactory.getExecutor(), fence);
            OperationContextImpl.setContext(current);
        }
        return current;
    }

    /**
     * Every journal and replication operation takes this lock first: the thread gets its fenced context here, before
     * Artemis's replication, which asks for the thread's context directly ({@code ReplicationManager.sendReplicatePacket}),
     * makes a plain one for a thread without any. A plain context with a replication in flight would then hold the
     * commit and the acknowledgement that follow on that thread (an MQTT publish on a pool thread), and a backup lost
     * while they wait would release them unfenced: a thawed primary answered one acknowledged MQTT publish that way
     * that its group then lost.
     */
    @Override
    public ArtemisCloseable closeableReadLock(boolean tryLock) {
        getContext();
        return super.closeableReadLock(tryLock);
    }

    private static boolean idle(OperationContextImpl c) {
        return c.getClass() == OperationContextImpl.class && c.getStored() == c.getStoreLineUpField() && c.getReplicated() == c.getReplicationLineUpField()
                && c.getPaged() == c.getPagedLinedUpField();
    }
}
