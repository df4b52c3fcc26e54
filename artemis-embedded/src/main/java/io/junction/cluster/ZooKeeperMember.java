package io.junction.cluster;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A ZooKeeper server running inside a node's process, which the lock manager asks which broker of each group may
 * be active: one member of the ensemble (one per node), or a standalone server for a single node and for tests.
 */
public final class ZooKeeperMember implements AutoCloseable {
    private static final int MAX_CLIENT_CONNECTIONS = 200;

    /** One ensemble member's address: its id and its ports for clients, followers and leader election. */
    public record Peer(int id, String host, int clientPort, int peerPort, int electionPort) {
        String serverLine() {
            return host + ":" + peerPort + ":" + electionPort + ";" + host + ":" + clientPort;
        }
    }

    private final Runnable stop;
    private final String connectString;

    private ZooKeeperMember(Runnable stop, String connectString) {
        this.stop = stop;
        this.connectString = connectString;
    }

    /**
     * Starts member {@code self} of {@code ensemble} (three or more peers, this one included) with its data under
     * {@code dataDir}. It returns once the member runs; it serves clients once a majority of the ensemble is up.
     */
    public static ZooKeeperMember ensembleMember(Path dataDir, Peer self, List<Peer> ensemble, Duration tick) throws Exception {
        return ensembleMember(dataDir, self, ensemble, tick, null);
    }

    /**
     * As {@link #ensembleMember(Path, Peer, List, Duration)}; with a {@code secret}, the member admits only clients and
     * members that log in with it ({@link ZooKeeperAuth}).
     */
    public static ZooKeeperMember ensembleMember(Path dataDir, Peer self, List<Peer> ensemble, Duration tick, String secret) throws Exception {
        if (ensemble.size() < 3 || !ensemble.contains(self)) {
            throw new IllegalArgumentException("an ensemble needs three or more peers including member " + self.id());
        }
        Path data = dataDir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), String.valueOf(self.id()));
        Properties p = new Properties();
        p.setProperty("tickTime", String.valueOf(tick.toMillis()));
        p.setProperty("initLimit", "10");
        p.setProperty("syncLimit", "5");
        p.setProperty("dataDir", data.toString());
        p.setProperty("clientPort", String.valueOf(self.clientPort()));
        p.setProperty("clientPortAddress", self.host());
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "ruok,srvr,mntr");
        for (Peer peer : ensemble) {
            p.setProperty("server." + peer.id(), peer.serverLine());
        }
        AutoCloseable auth = secret == null ? () -> { } : ZooKeeperAuth.require(secret, p);
        ZooKeeperServerEmbedded server;
        try {
            server = ZooKeeperServerEmbedded.builder().baseDir(dataDir).configuration(p).exitHandler(ExitHandler.LOG_ONLY).build();
        } catch (Exception e) {
            auth.close();
            throw e;
        }
        Runnable stop = () -> {
            try (auth) {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException("ZooKeeper member " + self.id() + " did not stop cleanly", e);
            }
        };
        try {
            server.start(Duration.ofSeconds(60).toMillis());
        } catch (Exception e) {
            stop.run();
            throw new IllegalStateException("ZooKeeper member " + self.id() + " did not start within 60s", e);
        }
        return new ZooKeeperMember(stop, connectString(ensemble));
    }

    /** The client connect string of a whole ensemble. */
    public static String connectString(List<Peer> ensemble) {
        return String.join(",", ensemble.stream().map(p -> p.host() + ":" + p.clientPort()).toList());
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
        try {
            connections.startup(server);
        } catch (Exception e) {
            connections.shutdown();
            server.shutdown();
            throw e;
        }
        return new ZooKeeperMember(() -> {
            connections.shutdown();
            server.shutdown();
        }, host + ":" + port);
    }

    /** The connect string clients and the lock manager use. */
    public String connectString() {
        return connectString;
    }

    @Override
    public void close() {
        stop.run();
    }
}
