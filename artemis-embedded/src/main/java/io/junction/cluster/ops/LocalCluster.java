package io.junction.cluster.ops;

import io.junction.client.ClientErrors;
import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.config.Config;
import io.junction.config.ConfigException;
import io.junction.config.SecretFiles;
import io.junction.node.NodeConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.activemq.artemis.json.JsonArrayBuilder;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonObjectBuilder;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * A cluster of node processes on one machine, as {@code junction cluster up} lays it out under one directory:
 * {@code nodeN/node.properties}, {@code nodeN/data}, {@code nodeN/node.log}, {@code nodeN/node.pid}, and
 * {@code cluster.json} with the connection URL and the admin credentials.
 */
public final class LocalCluster {
    public static final String CLUSTER_FILE = "cluster.json";
    /** Node N uses ports BASE+10N (broker), +1 (backup), +2 (ZooKeeper clients), +3 and +4 (ZooKeeper peers). */
    public static final int DEFAULT_BASE_PORT = 61700;

    private final Path dir;

    public LocalCluster(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    public Path nodeDir(int id) {
        return dir.resolve("node" + id);
    }

    public Path config(int id) {
        return nodeDir(id).resolve("node.properties");
    }

    public Path log(int id) {
        return nodeDir(id).resolve("node.log");
    }

    public Path pidFile(int id) {
        return nodeDir(id).resolve("node.pid");
    }

    public Path clusterFile() {
        return dir.resolve(CLUSTER_FILE);
    }

    /** The credentials in the CLI's format: {@code junction send --credentials DIR/admin.credentials ...}. */
    public Path credentialsFile() {
        return dir.resolve(Credentials.FILE_NAME);
    }

    public boolean exists() {
        return Files.exists(config(1));
    }

    /** Writes one configuration per node: same node list and secret, own id and data directory. */
    public void create(int nodes, String host, int basePort) {
        String secret = ClusterLayout.newSecret();
        List<String> entries = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            int p = basePort + 10 * id;
            entries.add(host + ":" + p + ":" + (p + 1) + ":" + (p + 2) + ":" + (p + 3) + ":" + (p + 4));
        }
        for (int id = 1; id <= nodes; id++) {
            String text = "# Node " + id + " of a cluster made by `junction cluster up`; see etc/node.properties for every key.\n"
                    + NodeConfig.NAME.name() + "=node" + id + "\n"
                    + NodeConfig.DATA_DIR.name() + "=" + nodeDir(id).resolve("data") + "\n"
                    + "# two brokers per node, each allowed this much memory before paging\n"
                    + NodeConfig.GLOBAL_MAX_SIZE.name() + "=128MiB\n"
                    + NodeConfig.CLUSTER_NODE_ID.name() + "=" + id + "\n"
                    + NodeConfig.CLUSTER_NODES.name() + "=" + String.join(",", entries) + "\n"
                    + NodeConfig.CLUSTER_SECRET.name() + "=" + secret + "\n";
            try {
                ownerOnlyDirectory(nodeDir(id));
                SecretFiles.write(config(id), text);
            } catch (IOException e) {
                throw new OperationFailed("Cannot write " + config(id) + ": " + e.getMessage());
            }
        }
    }

    /**
     * Creates {@code dir} (and the cluster directory) readable by the owner alone: a node's log holds the admin
     * password it prints when it creates the cluster's administrator.
     */
    public void ownerOnlyDirectory(Path d) throws IOException {
        for (Path p : List.of(dir, d)) {
            Files.createDirectories(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** An owner-only log file for node {@code id}, created if missing. */
    public Path ownerOnlyLog(int id) throws IOException {
        ownerOnlyDirectory(nodeDir(id));
        Path log = log(id);
        if (!Files.exists(log)) {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-------"));
        return log;
    }

    /** The layout as node 1's configuration describes it; one-line failure when it is missing or invalid. */
    public ClusterLayout layout() {
        if (!exists()) {
            throw new OperationFailed("No cluster in " + dir + ": run junction cluster up first, or pass --data DIR");
        }
        return layoutOf(config(1));
    }

    /**
     * A warning when the ports of a cluster of {@code nodes} from {@code basePort} fall in the kernel's ephemeral range
     * ({@code /proc/sys/net/ipv4/ip_local_port_range}): a connection's local port may take one of them while its node
     * is down, and the node then cannot listen there. Empty when they do not, or the range cannot be read.
     */
    public static Optional<String> ephemeralOverlap(int basePort, int nodes) {
        int first = basePort + 10;
        int last = basePort + 10 * nodes + 4;
        try {
            // a line read: Files.readString gets only the first byte of a /proc file
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            int high = Integer.parseInt(range[1]);
            if (first <= high && last >= low) {
                return Optional.of("ports " + first + "-" + last + " overlap the kernel's ephemeral range " + low + "-" + high
                        + " (net.ipv4.ip_local_port_range): an outgoing connection may take one while its node is down, and the node"
                        + " then cannot listen on it; choose a base port outside it, or reserve them with net.ipv4.ip_local_reserved_ports");
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no such file: nothing to say
        }
        return Optional.empty();
    }

    public static ClusterLayout layoutOf(Path config) {
        if (!Files.isReadable(config)) {
            throw new OperationFailed("Cannot read " + config);
        }
        Config settings = NodeConfig.load(config);
        if (settings.get(NodeConfig.CLUSTER_NODE_ID) == 0) {
            throw new OperationFailed(config + " is not a cluster node's configuration (cluster.node-id is 0)");
        }
        return ClusterLayout.of(settings);
    }

    public Optional<ProcessHandle> process(int id) {
        Path file = pidFile(id);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(file).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> runs(p, config(id)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the process was started on {@code config}: a pid file may outlive its process, and pids are reused. */
    private static boolean runs(ProcessHandle process, Path config) {
        Path cmdline = Path.of("/proc", String.valueOf(process.pid()), "cmdline");
        try {
            return !Files.exists(cmdline) || new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8)
                    .contains(config.toString());
        } catch (IOException e) {
            return true;
        }
    }

    public void writePid(int id, long pid) {
        try {
            Files.writeString(pidFile(id), pid + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void removePid(int id) {
        try {
            Files.deleteIfExists(pidFile(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin credentials: from cluster.json, else from the node that created the administrator. */
    public Optional<Credentials> credentials(int nodes) {
        if (Files.exists(clusterFile())) {
            try {
                JsonObject json = JsonLoader.readObject(new StringReader(Files.readString(clusterFile())));
                return Optional.of(new Credentials(json.getString("url"), json.getString("user"), json.getString("password")));
            } catch (IOException | RuntimeException e) {
                throw new OperationFailed("Cannot read " + clusterFile() + ": " + ClientErrors.rootMessage(e));
            }
        }
        for (int id = 1; id <= nodes; id++) {
            Path file = nodeDir(id).resolve("data").resolve(Credentials.FILE_NAME);
            if (Files.exists(file)) {
                try {
                    return Optional.of(Credentials.read(file));
                } catch (ConfigException e) {
                    throw new OperationFailed(e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    public void writeClusterFile(ClusterLayout layout, Credentials admin) {
        JsonArrayBuilder nodes = JsonLoader.createArrayBuilder();
        for (ClusterLayout.Member m : layout.members()) {
            JsonObjectBuilder node = JsonLoader.createObjectBuilder().add("node", m.id());
            process(m.id()).ifPresentOrElse(p -> node.add("pid", p.pid()), () -> node.addNull("pid"));
            nodes.add(node.add("config", config(m.id()).toString())
                    .add("log", log(m.id()).toString())
                    .add("broker", m.brokerUrl())
                    .add("backup", m.backupUrl())
                    .add("zookeeper", m.zooKeeperAddress()));
        }
        JsonObject json = JsonLoader.createObjectBuilder()
                .add("url", layout.clientUrl())
                .add("user", admin.user())
                .add("password", admin.password())
                .add("nodes", nodes)
                .build();
        new Credentials(layout.clientUrl(), admin.user(), admin.password()).write(credentialsFile());
        try {
            SecretFiles.write(clusterFile(), json + "\n");
        } catch (IOException e) {
            throw new OperationFailed("Cannot write " + clusterFile() + ": " + e.getMessage());
        }
    }
}
