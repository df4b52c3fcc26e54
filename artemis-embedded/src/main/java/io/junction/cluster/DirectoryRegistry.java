package io.junction.cluster;

import io.junction.security.Directory;
import io.junction.security.DirectoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's tenants and users, held in one ZooKeeper node. Every change reads it, applies the change and writes it back only
 * if no other change came in between (a compare-and-set on the node's version), so a change is applied whole or not
 * at all and concurrent changes never overwrite each other. Each cluster node watches the node and applies what it
 * holds to its own {@link DirectoryStore}, whose file then serves as the node's local copy. A node that was down reads the
 * current directory when it reconnects.
 */
public final class DirectoryRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryRegistry.class);
    public static final String NAMESPACE = "junction-registry";
    static final String DIRECTORY = "/directory";
    /** Where running nodes announce themselves, one ephemeral child each. */
    public static final String NODES = "/nodes";

    private final CuratorFramework client;
    private final CuratorCache cache;
    private final DirectoryStore store;
    private volatile PersistentNode presence;
    /** Seals what this registry writes and opens what it reads: ZooKeeper itself lets in anyone who reaches it. */
    private final DirectorySeal seal;
    private int appliedVersion = -1;
    private long appliedCzxid = -1;
    private long appliedGeneration = -1;

    private DirectoryRegistry(CuratorFramework client, DirectoryStore store, String secret) {
        this.client = client;
        this.store = store;
        this.seal = new DirectorySeal(secret, NAMESPACE + DIRECTORY);
        this.cache = CuratorCache.build(client, DIRECTORY, CuratorCache.Options.SINGLE_NODE_CACHE);
    }

    /**
     * Connects to the ensemble in the background and, from now on, sends {@code store}'s changes to the registry.
     * Call {@link #awaitReady} before relying on the store holding the cluster's directory.
     */
    public static DirectoryRegistry start(String connectString, DirectoryStore store, String secret) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .namespace(NAMESPACE)
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000)
                // an operation waits out a leader election, but not a lost majority: that fails within about 20s
                .retryPolicy(new RetryNTimes(40, 500))
                .build();
        DirectoryRegistry registry = new DirectoryRegistry(client, store, secret);
        registry.cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> registry.apply(after))
                .build());
        client.start();
        registry.cache.start();
        store.backWith(registry::update);
        return registry;
    }

    /**
     * Waits until the ensemble answers, creates the empty registry if this is the cluster's first start, and applies
     * the current directory to the store. Returns false if that did not happen within {@code timeout}.
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        if (!client.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        try {
            ensureExists();
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(DIRECTORY);
            apply(data, stat.getVersion(), stat.getCzxid());
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("Cannot read the cluster's tenants and users from ZooKeeper yet: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Marks node {@code id} as running, with an ephemeral ZooKeeper node ({@code /nodes/ID}) that lives as long as this
     * registry's session and is created again after a lost session: how {@code junction cluster status} tells a node
     * whose brokers are passive from a node that is down.
     */
    public void announce(int id) {
        PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, NODES + "/" + id, new byte[0]);
        node.start();
        this.presence = node;
    }

    private Directory update(UnaryOperator<Directory> change) {
        try {
            while (true) {
                ensureExists();
                Stat stat = new Stat();
                byte[] data = client.getData().storingStatIn(stat).forPath(DIRECTORY);
                DirectorySeal.Sealed current = null;
                try {
                    current = seal.open(data);
                } catch (IllegalStateException unreadable) {
                    LOG.warn("{}; this change replaces it with this node's directory", unreadable.getMessage());
                }
                long applied = appliedGeneration();
                // what ZooKeeper holds is older than what this node applied (written back by someone who copied it) or
                // unreadable: the change starts from this node's copy and overwrites it
                boolean currentIsNewest = current != null && current.generation() >= applied;
                Directory base = currentIsNewest ? current.directory() : store.snapshot();
                Directory next = change.apply(base);
                if (currentIsNewest && next.equals(base)) {
                    apply(data, stat.getVersion(), stat.getCzxid());
                    return base;
                }
                long generation = Math.max(applied, current == null ? -1 : current.generation()) + 1;
                byte[] encoded = seal.seal(next, generation);
                try {
                    Stat written = client.setData().withVersion(stat.getVersion()).forPath(DIRECTORY, encoded);
                    apply(encoded, written.getVersion(), written.getCzxid());
                    return next;
                } catch (KeeperException.BadVersionException raced) {
                    LOG.debug("The directory changed concurrently in ZooKeeper; applying the change again");
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot change the cluster's tenants and users in ZooKeeper: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the registry if ZooKeeper has none: empty on a new cluster, or from this node's local copy if
     * ZooKeeper lost its data, so that losing ZooKeeper does not lose the cluster's tenants and users.
     */
    private void ensureExists() throws Exception {
        if (client.checkExists().forPath(DIRECTORY) == null) {
            try {
                client.create().creatingParentsIfNeeded().forPath(DIRECTORY, seal.seal(store.snapshot(), appliedGeneration() + 1));
            } catch (KeeperException.NodeExistsException createdElsewhere) {
                // another node created it first: fine
            }
        }
    }

    private void apply(ChildData node) {
        if (node != null && node.getData() != null && node.getStat() != null) {
            apply(node.getData(), node.getStat().getVersion(), node.getStat().getCzxid());
        }
    }

    /**
     * Applies a version of the registry unless a newer one of the same node has been applied already (events may
     * arrive late); a node created anew (another creation id) starts its versions again.
     */
    private synchronized void apply(byte[] data, int version, long czxid) {
        if (czxid == appliedCzxid && version < appliedVersion) {
            return;
        }
        DirectorySeal.Sealed sealed;
        try {
            sealed = seal.open(data);
        } catch (IllegalStateException e) {
            LOG.error("{}; this node keeps the tenants and users it has", e.getMessage());
            return;
        }
        if (sealed.generation() < appliedGeneration) {
            LOG.error("Refused generation {} of the cluster's directory from ZooKeeper: this node has applied generation {} (an old copy written "
                    + "back?); it keeps the tenants and users it has, and the next change overwrites the old copy", sealed.generation(), appliedGeneration);
            return;
        }
        appliedCzxid = czxid;
        appliedGeneration = sealed.generation();
        store.replace(sealed.directory());
        if (version != appliedVersion) {
            LOG.debug("Applied generation {} of the cluster's directory: {} tenants, {} users", sealed.generation(), sealed.directory().tenants().size(),
                    sealed.directory().users().size());
        }
        appliedVersion = version;
    }

    private synchronized long appliedGeneration() {
        return appliedGeneration;
    }

    @Override
    public void close() {
        // Closing the presence node deletes it, which retries for as long as ZooKeeper has no majority: it gets a
        // second, in a thread of its own. It must be closed all the same, or its background callbacks recreate it
        // against the closed client without end (a StackOverflowError in Curator's event thread). Closing the client
        // ends the session, and ZooKeeper removes the session's ephemeral nodes with it.
        PersistentNode node = presence;
        if (node != null) {
            Thread closer = new Thread(() -> {
                try {
                    node.close();
                } catch (Exception e) {
                    LOG.debug("Presence node not deleted: {}", e.getMessage());
                }
            }, "junction-presence-close");
            closer.setDaemon(true);
            closer.start();
            try {
                closer.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cache.close();
        client.close();
    }
}
