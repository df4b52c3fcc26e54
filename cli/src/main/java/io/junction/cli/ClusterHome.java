package io.junction.cli;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * A cluster of node processes on this machine, as {@code junction cluster up} lays it out under one directory:
 * {@code nodeN/node.properties}, {@code nodeN/data}, {@code nodeN/node.log}, {@code nodeN/node.pid}, and
 * {@code cluster.json} with the connection URL and the admin credentials.
 */
final class ClusterHome {
    static final String CLUSTER_FILE = "cluster.json";
    /** Node N uses ports BASE+10N (broker), +1 (backup), +2 (ZooKeeper clients), +3 and +4 (ZooKeeper peers). */
    static final int DEFAULT_BASE_PORT = 61700;

    private final Path dir;

    ClusterHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    Path nodeDir(int id) {
        return dir.resolve("node" + id);
    }

    Path config(int id) {
        return nodeDir(id).resolve("node.properties");
    }

    Path log(int id) {
        return nodeDir(id).resolve("node.log");
    }

    Path pidFile(int id) {
        return nodeDir(id).resolve("node.pid");
    }

    Path clusterFile() {
        return dir.resolve(CLUSTER_FILE);
    }

    /** The credentials in the CLI's format: {@code junction send --credentials DIR/admin.credentials ...}. */
    Path credentialsFile() {
        return dir.resolve(Credentials.FILE_NAME);
    }

    boolean exists() {
        return Files.exists(config(1));
    }

    /** Writes one configuration per node: same node list and secret, own id and data directory. */
    void create(int nodes, String host, int basePort) {
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
                throw CliFailure.failure("Cannot write " + config(id) + ": " + e.getMessage());
            }
        }
    }

    /**
     * Creates {@code dir} (and the cluster directory) readable by the owner alone: a node's log holds the admin
     * password it prints when it creates the cluster's administrator.
     */
    void ownerOnlyDirectory(Path d) throws IOException {
        for (Path p : List.of(dir, d)) {
            Files.createDirectories(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** An owner-only log file for node {@code id}, created if missing. */
    Path ownerOnlyLog(int id) throws IOException {
        ownerOnlyDirectory(nodeDir(id));
        Path log = log(id);
        if (!Files.exists(log)) {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-------"));
        return log;
    }

    /** The layout as node 1's configuration describes it; one-line failure when it is missing or invalid. */
    ClusterLayout layout() {
        if (!exists()) {
            throw CliFailure.failure("No cluster in " + dir + ": run junction cluster up first, or pass --data DIR");
        }
        return layoutOf(config(1));
    }

    static ClusterLayout layoutOf(Path config) {
        if (!Files.isReadable(config)) {
            throw CliFailure.failure("Cannot read " + config);
        }
        Config settings = NodeConfig.load(config);
        if (settings.get(NodeConfig.CLUSTER_NODE_ID) == 0) {
            throw CliFailure.failure(config + " is not a cluster node's configuration (cluster.node-id is 0)");
        }
        return ClusterLayout.of(settings);
    }

    Optional<ProcessHandle> process(int id) {
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

    void writePid(int id, long pid) {
        try {
            Files.writeString(pidFile(id), pid + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void removePid(int id) {
        try {
            Files.deleteIfExists(pidFile(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin credentials: from cluster.json, else from the node that created the administrator. */
    Optional<Credentials> credentials(int nodes) {
        if (Files.exists(clusterFile())) {
            try {
                JsonObject json = JsonLoader.readObject(new StringReader(Files.readString(clusterFile())));
                return Optional.of(new Credentials(json.getString("url"), json.getString("user"), json.getString("password")));
            } catch (IOException | RuntimeException e) {
                throw CliFailure.failure("Cannot read " + clusterFile() + ": " + ClientOptions.rootMessage(e));
            }
        }
        for (int id = 1; id <= nodes; id++) {
            Path file = nodeDir(id).resolve("data").resolve(Credentials.FILE_NAME);
            if (Files.exists(file)) {
                try {
                    return Optional.of(Credentials.read(file));
                } catch (ConfigException e) {
                    throw CliFailure.failure(e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    void writeClusterFile(ClusterLayout layout, Credentials admin) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("url", layout.clientUrl());
        json.put("user", admin.user());
        json.put("password", admin.password());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (ClusterLayout.Member m : layout.members()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("node", m.id());
            node.put("pid", process(m.id()).map(ProcessHandle::pid).orElse(null));
            node.put("config", config(m.id()).toString());
            node.put("log", log(m.id()).toString());
            node.put("broker", m.brokerUrl());
            node.put("backup", m.backupUrl());
            node.put("zookeeper", m.zooKeeperAddress());
            nodes.add(node);
        }
        json.put("nodes", nodes);
        new Credentials(layout.clientUrl(), admin.user(), admin.password()).write(credentialsFile());
        try {
            SecretFiles.write(clusterFile(), Json.write(json) + "\n");
        } catch (IOException e) {
            throw CliFailure.failure("Cannot write " + clusterFile() + ": " + e.getMessage());
        }
    }
}
