package io.junction.cluster.fence;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Interceptor;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.protocol.core.Packet;
import org.apache.activemq.artemis.core.protocol.core.impl.PacketImpl;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.apache.activemq.artemis.core.server.impl.ReplicationPrimaryActivation;
import org.apache.activemq.artemis.core.server.impl.ServiceRegistryImpl;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * An embedded broker of a replication group whose clients are acknowledged only through its {@link Fence}: every
 * protocol's sessions get their operation contexts from the server, which here makes them {@link FencedContext}s.
 * The broker also notes the activation sequence at which each backup registers, so that once that replication ends
 * nothing is acknowledged alone before the sequence has been raised above it.
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
        AtomicLong endedReplicaSequence = new AtomicLong(-1);
        ServiceRegistryImpl services = new ServiceRegistryImpl();
        Server server = new Server(configuration, securityManager, services);
        Fence made = new Fence(configuration.getName(), () -> {
            StorageManager storage = server.getStorageManager();
            return storage != null && storage.isReplicated();
        });
        server.fence = made;
        // the replication, if any, whose completions Artemis cut short: its copy can no longer stand for the proof
        AtomicReference<Object> cutShort = new AtomicReference<>();
        made.onReplicaLost(() -> cutShort.set(server.getActivation() instanceof ReplicationPrimaryActivation primary
                ? primary.getReplicationManager() : null));
        services.addIncomingInterceptor((Interceptor) (Packet packet, RemotingConnection connection) -> {
            if (packet.getType() == PacketImpl.BACKUP_REGISTRATION) {
                replicaRegistering(server, connection, endedReplicaSequence);
            }
            return true;
        });
        server.registerActivateCallback(new ActivateCallback() {
            @Override
            public void preActivate() {
                made.passive();
            }

            @Override
            public void activated() {
                made.proveWith(new LeadershipProof(server, endedReplicaSequence, cutShort));
            }

            @Override
            public void preDeActivate() {
                made.fail("the broker is stopping");
            }
        });
        configuration.registerBrokerPlugin(new DuplicateWatch(server));
        this.fence = made;
        this.activeMQServer = server;
    }

    /** A backup registers: once its connection ends, its copy is current up to the sequence the broker has now. */
    private static void replicaRegistering(ActiveMQServerImpl server, RemotingConnection connection, AtomicLong endedReplicaSequence) {
        long sequence = server.getNodeManager().getNodeActivationSequence();
        Runnable ended = () -> endedReplicaSequence.accumulateAndGet(sequence, Math::max);
        connection.addCloseListener(ended::run);
        connection.addFailureListener(new org.apache.activemq.artemis.core.remoting.FailureListener() {
            @Override
            public void connectionFailed(ActiveMQException exception, boolean failedOver) {
                ended.run();
            }

            @Override
            public void connectionFailed(ActiveMQException exception, boolean failedOver, String scaleDownTargetNodeID) {
                ended.run();
            }
        });
    }

    private static final class Server extends ActiveMQServerImpl {
        private Fence fence;

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
            FencedStorage storage = new FencedStorage(c, this, fence);
            getCriticalAnalyzer().add(storage);
            return storage;
        }
    }
}
