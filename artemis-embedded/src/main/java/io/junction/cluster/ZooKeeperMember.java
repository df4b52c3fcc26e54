package io.junction.cluster;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A ZooKeeper server running inside a node's process, which the lock manager asks which broker of each group may
 * be active. This first step runs one standalone server; the three-member ensemble (one per node) builds on it.
 */
public final class ZooKeeperMember implements AutoCloseable {
    private static final int MAX_CLIENT_CONNECTIONS = 200;

    private final ZooKeeperServer server;
    private final ServerCnxnFactory connections;
    private final String connectString;

    private ZooKeeperMember(ZooKeeperServer server, ServerCnxnFactory connections, String connectString) {
        this.server = server;
        this.connections = connections;
        this.connectString = connectString;
    }

    /**
     * Starts a standalone server on {@code host:port} with its snapshots and log under {@code dataDir}. The tick is
     * the unit of every ZooKeeper timeout: a client session may last 2 to 20 ticks.
     */
    public static ZooKeeperMember standalone(Path dataDir, String host, int port, Duration tick) throws Exception {
        Files.createDirectories(dataDir);
        File dir = dataDir.toFile();
        ZooKeeperServer server = new ZooKeeperServer(dir, dir, (int) tick.toMillis());
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress(host, port), MAX_CLIENT_CONNECTIONS);
        connections.startup(server);
        return new ZooKeeperMember(server, connections, host + ":" + port);
    }

    /** The connect string clients and the lock manager use. */
    public String connectString() {
        return connectString;
    }

    @Override
    public void close() {
        connections.shutdown();
        server.shutdown();
    }
}
