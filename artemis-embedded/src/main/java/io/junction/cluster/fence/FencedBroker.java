package io.junction.cluster.fence;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.activemq.artemis.core.server.impl.ReplicationPrimaryActivation;
import org.apache.activemq.artemis.core.server.impl.ServiceRegistryImpl;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * An embedded broker of a replication group whose clients are acknowledged only through its {@link Fence}: every
 * protocol's sessions get their operation contexts from the server, which here makes them {@link FencedContext}s.
 * Its storage counts every replication it begins, so that once none runs nothing is acknowledged alone
 * before the activation sequence has been raised after it.
 */
public final class FencedBroker extends EmbeddedActiveMQ {
    private Fence fence;

    /** The fence of the server made by {@link #createActiveMQServer()}, or null before. */
    public Fence fence() {
        return fence;
    }

    @Override
    public void createActiveMQServer() throws Exception {
        if (activeMQServer != null) {
            return;
        }
        ReplicaSequences replicaSequences = new ReplicaSequences();
        ServiceRegistryImpl services = new ServiceRegistryImpl();
        Server server = new Server(configuration, securityManager, services);
        Fence made = new Fence(configuration.getName(), () -> {
            StorageManager storage = server.getStorageManager();
            return storage != null && storage.isReplicated();
        });
        server.fence = made;
        // every replication that begins is counted by the storage, so that once it ends the sequence is raised
        server.replicas = replicaSequences;
        // the replication, if any, whose completions Artemis cut short: its copy can no longer stand for the proof
        AtomicReference<Object> cutShort = new AtomicReference<>();
        made.onReplicaLost(() -> cutShort.set(server.getActivation() instanceof ReplicationPrimaryActivation primary
                ? primary.getReplicationManager() : null));
        server.registerActivateCallback(new ActivateCallback() {
            @Override
            public void preActivate() {
                made.passive();
            }

            @Override
            public void activated() {
                made.proveWith(new LeadershipProof(server, replicaSequences, cutShort));
            }

            @Override
            public void preDeActivate() {
                made.fail("the broker is stopping");
            }
        });
        configuration.registerBrokerPlugin(new DuplicateWatch(server));
        server.retired = retired;
        this.fence = made;
        this.activeMQServer = server;
    }

    /**
     * This broker has been replaced by a new instance on its journal: from now on its server refuses to start, also
     * when Artemis starts it again by itself (after handing its group back to a returning primary).
     */
    public void retire() {
        retired = true;
        if (activeMQServer instanceof Server s) {
            s.retired = true;
        }
    }

    private volatile boolean retired;

    private static final class Server extends ActiveMQServerImpl {
        private Fence fence;
        private ReplicaSequences replicas;
        private volatile boolean retired;

        /** The first step of Artemis's start that a subclass sees, before the server leaves STOPPED. */
        @Override
        protected void initializeCriticalAnalyzer() throws Exception {
            if (retired) {
                throw new IllegalStateException(getConfiguration().getName() + " was replaced by a new instance on its journal and does not start again");
            }
            super.initializeCriticalAnalyzer();
        }

        Server(Configuration configuration, ActiveMQSecurityManager security, ServiceRegistryImpl services) {
            super(configuration, null, security, null, services);
        }

        @Override
        public OperationContext newOperationContext() {
            return new FencedContext(getExecutorFactory().getExecutor(), fence);
        }

        @Override
        protected StorageManager createStorageManager() {
            Configuration c = getConfiguration();
            if (!c.isPersistenceEnabled() || c.isUsingDatabasePersistence()) {
                return super.createStorageManager();
            }
            FencedStorage storage = new FencedStorage(c, this, fence, replicas);
            getCriticalAnalyzer().add(storage);
            return storage;
        }
    }
}
