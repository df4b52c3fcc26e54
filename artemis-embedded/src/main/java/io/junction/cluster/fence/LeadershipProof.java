package io.junction.cluster.fence;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.core.replication.ReplicationManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.NodeManager;
import org.apache.activemq.artemis.core.server.impl.ReplicationPrimaryActivation;
import org.apache.activemq.artemis.core.server.impl.quorum.ActivationSequenceStateMachine;
import org.apache.activemq.artemis.lockmanager.zookeeper.CuratorDistributedLockManager;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves through ZooKeeper that a broker is still its group's rightful active broker: its lock manager's session
 * still owns the group's lock lease, and the group's coordinated activation sequence is still the broker's own, raised
 * after every replication that has stopped ({@link ReplicaSequences}). The last step is a ZooKeeper transaction of two
 * version checks (the lease node and the sequence node): a write, so the ensemble's leader decides it, never a
 * member that is itself behind (a frozen node's own member wakes up as stale as its brokers). Reads only find the
 * versions to check, and are cached until a check fails.
 * <p>
 * While a stopped replication is not covered by a raise, it waits for Artemis to raise the sequence, which Artemis does
 * when a replication connection closes; if no replication is running (Artemis drops some without a raise), it raises
 * the sequence itself, the way Artemis does, under the activation's replication lock.
 * <p>
 * A backup that has finished copying the journal since the completions due reached the disk holds them too, so a
 * replication that is running and in sync also counts as proof: it is the fence's first condition (on both copies)
 * met late. Without it, completions lined up alone before a backup re-registered waited as long as that replication
 * lasted, since Artemis raises the sequence only when a replication ends (seen in a chaos run: a primary whose
 * management requests all timed out, active and replicated).
 */
final class LeadershipProof implements Proof {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipProof.class);

    private final ActiveMQServer server;
    private final ReplicaSequences replicas;
    private final AtomicReference<Object> cutShort;
    private volatile String why = "no proof tried yet";
    /** The last proof failed only because a new backup is still copying the journal, which will prove it when done. */
    private volatile boolean copying;
    private String leasePath;
    private int leaseVersion;
    private int sequenceVersion = -1;
    private long sequenceValue;

    LeadershipProof(ActiveMQServer server, ReplicaSequences replicas, AtomicReference<Object> cutShort) {
        this.server = server;
        this.replicas = replicas;
        this.cutShort = cutShort;
    }

    @Override
    public boolean prove() throws InterruptedException {
        if (!server.isActive()) {
            return refuse("not active (state " + server.getState() + ")");
        }
        if (!(server.getActivation() instanceof ReplicationPrimaryActivation activation)) {
            return refuse("its activation is " + server.getActivation().getClass().getSimpleName());
        }
        if (!(activation.getDistributedManager() instanceof CuratorDistributedLockManager manager)) {
            return refuse("no ZooKeeper lock manager");
        }
        NodeManager nodes = server.getNodeManager();
        try {
            CuratorFramework zk = manager.getCurator();
            if (zk == null || nodes.getNodeId() == null) {
                return refuse("no ZooKeeper client or node id yet");
            }
            String id = "/" + nodes.getNodeId();
            if (copiedByBackup(activation, cutShort.get())) {
                copying = false;
                return true;
            }
            long local = nodes.getNodeActivationSequence();
            if (replicas.pending()) {
                // a replication began that no raise made after it stopped covers: raise now if none is current
                // (then prove again), or wait for the running one's copy, which proves everything due once done
                ReplicationManager running = activation.getReplicationManager();
                boolean raised = running == null && raiseUnlessReplicating(activation, manager, nodes);
                copying = running != null && running != cutShort.get() && running.isSynchronizing();
                return refuse(raised ? "raised the activation sequence, proving again"
                        : "a replication began since the activation sequence (" + local + ") was last raised after one"
                        + (running != null ? ", a replication running" + (running == cutShort.get() ? " (the one cut short)" : copying ? " (still copying)" : "") : ""));
            }
            if (sequenceVersion < 0 || sequenceValue != local) {
                find(zk, id);
            }
            if (leasePath == null || sequenceValue != local) {
                sequenceVersion = -1;
                return refuse(leasePath == null ? "its ZooKeeper session owns no lease of the lock"
                        : "ZooKeeper's activation sequence " + sequenceValue + " is not its own " + local);
            }
            zk.transaction().forOperations(
                    zk.transactionOp().check().withVersion(leaseVersion).forPath(leasePath),
                    zk.transactionOp().check().withVersion(sequenceVersion).forPath(id + "/activation-sequence"));
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.debug("{}: no proof yet: {}", server, e.toString());
            sequenceVersion = -1;
            return refuse(e.toString());
        }
    }

    /**
     * Raises the activation sequence of an active broker that no backup replicates any more while it is not above the
     * last replica's, as Artemis does when a replication's connection closes. Artemis does not when it drops a
     * replication otherwise, and the replica, still holding a copy it believes in sync, then waits for ever for the lock
     * as an in-sync primary (seen in a chaos run: its group never healed); with the raise it finds its copy stale and
     * copies afresh. Called periodically by the node; a no-op while a replication runs or the sequence is above.
     */
    @Override
    public void maintain() {
        try {
            if (replicas.pending() && server.isActive() && server.getActivation() instanceof ReplicationPrimaryActivation activation
                    && activation.getDistributedManager() instanceof CuratorDistributedLockManager manager && activation.getReplicationManager() == null) {
                raiseUnlessReplicating(activation, manager, server.getNodeManager());
            }
        } catch (Exception e) {
            LOG.warn("{}: could not raise the activation sequence after its backup left: {}", server, e.toString());
        }
    }

    @Override
    public String why() {
        return why;
    }

    @Override
    public boolean waitsForACopy() {
        return copying;
    }

    private boolean refuse(String reason) {
        if (!reason.startsWith("activation sequence")) {
            copying = false;
        }
        why = reason;
        return false;
    }

    /**
     * Whether a backup is replicating and has finished its initial copy. Everything due was on the disk before this
     * proof began, and anything lined up alone was lined up while no replication ran, so before this one's copy began
     * (Artemis starts a replication under the storage's write lock, which every store holds to line up). A replication
     * that completed anything without the backup's answer ({@code cutShort}: it found the backup too slow, or it is
     * stopping) never counts again, and one that stopped does not either.
     */
    private static boolean copiedByBackup(ReplicationPrimaryActivation activation, Object cutShort) {
        ReplicationManager replication = activation.getReplicationManager();
        return replication != null && replication != cutShort && replication.isStarted() && !replication.isSynchronizing();
    }

    /** Reads which lease node this session owns and the coordinated sequence with its version. */
    private void find(CuratorFramework zk, String id) throws Exception {
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        leasePath = null;
        String leases = id + "/locks/leases";
        for (String child : zk.getChildren().forPath(leases)) {
            Stat stat = zk.checkExists().forPath(leases + "/" + child);
            if (stat != null && stat.getEphemeralOwner() == session) {
                leasePath = leases + "/" + child;
                leaseVersion = stat.getVersion();
            }
        }
        Stat stat = new Stat();
        byte[] data = zk.getData().storingStatIn(stat).forPath(id + "/activation-sequence");
        sequenceValue = data == null || data.length != Long.BYTES ? 0 : ByteBuffer.wrap(data).getLong();
        sequenceVersion = stat.getVersion();
    }

    /**
     * Raises the sequence, as Artemis does, under the activation's replication lock, unless a replication runs (or the
     * broker is no longer active); true if it did. Covers the registrations counted before it began.
     */
    private boolean raiseUnlessReplicating(ReplicationPrimaryActivation activation, CuratorDistributedLockManager manager, NodeManager nodes) throws Exception {
        synchronized (replicationLock(activation)) {
            java.util.List<java.util.function.BooleanSupplier> covering = replicas.stopped();
            // a raise before a dropped replication still copying stops would not make its copy stale
            if (covering.isEmpty() || activation.getReplicationManager() != null || !server.isActive()) {
                return false;
            }
            LOG.info("{}: raising the activation sequence after its backup left, before acknowledging alone", server);
            ActivationSequenceStateMachine.ensureSequentialAccessToNodeData(server.toString(), nodes, manager, LOG);
            replicas.raised(covering);
            return true;
        }
    }

    /** The lock under which Artemis itself raises the sequence when a replication ends, so that only one of us does. */
    private static Object replicationLock(ReplicationPrimaryActivation activation) throws ReflectiveOperationException {
        Field field = ReplicationPrimaryActivation.class.getDeclaredField("replicationLock");
        field.setAccessible(true);
        return field.get(activation);
    }
}
