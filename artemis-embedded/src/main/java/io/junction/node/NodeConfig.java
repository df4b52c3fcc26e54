package io.junction.node;

import io.junction.config.Config;
import io.junction.config.ConfigDef;
import io.junction.config.ConfigKey;
import io.junction.config.ConfigType;
import io.junction.config.PropertiesFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Every key of a node's configuration file, declared once. {@code etc/node.properties} is generated from these
 * declarations ({@code junction node config-template}) and a test keeps the two in step.
 */
public final class NodeConfig {
    public static final ConfigKey<String> NAME = ConfigKey.of("node.name", ConfigType.STRING, "junction-1",
            "Name of this node, shown in logs, status and the broker's identity.")
            .require(s -> s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}"), "use 1-63 letters, digits, '.', '_' or '-'");
    public static final ConfigKey<String> BIND_ADDRESS = ConfigKey.of("bind.address", ConfigType.STRING, "127.0.0.1",
            "Address every acceptor listens on. The default listens on loopback only;\n"
                    + "use 0.0.0.0 or a host address to accept remote clients.");
    public static final ConfigKey<String> DATA_DIR = ConfigKey.of("data.dir", ConfigType.STRING, "./data",
            "Directory for the journal, bindings, paging, large messages and the user store.\n"
                    + "A relative path is resolved against the working directory.");
    public static final ConfigKey<Set<String>> ACCEPTORS = ConfigKey.of("acceptors",
            ConfigType.setOf("main", "amqp", "mqtt", "stomp"), "main,amqp,mqtt,stomp",
            "Acceptors to open. 'main' speaks every protocol (CORE/JMS, AMQP, MQTT, STOMP) on one port;\n"
                    + "the others speak only their own protocol on its usual port.")
            .require(s -> s.contains("main"), "the main acceptor is required: the junction CLI connects through it");
    public static final ConfigKey<Integer> MAIN_PORT = ConfigKey.of("acceptor.main.port", ConfigType.PORT, "61616",
            "Port of the main acceptor (CORE/JMS, AMQP, MQTT and STOMP).");
    public static final ConfigKey<Integer> AMQP_PORT = ConfigKey.of("acceptor.amqp.port", ConfigType.PORT, "5672",
            "Port of the AMQP 1.0 acceptor.");
    public static final ConfigKey<Integer> MQTT_PORT = ConfigKey.of("acceptor.mqtt.port", ConfigType.PORT, "1883",
            "Port of the MQTT 3.1.1 and 5 acceptor.");
    public static final ConfigKey<Integer> STOMP_PORT = ConfigKey.of("acceptor.stomp.port", ConfigType.PORT, "61613",
            "Port of the STOMP acceptor.");
    public static final ConfigKey<String> JOURNAL_TYPE = ConfigKey.of("journal.type", ConfigType.oneOf("auto", "aio", "nio"), "auto",
            "Journal implementation. 'auto' uses AIO (Linux libaio, package libaio1) when it is available\n"
                    + "and the data directory supports direct I/O, and NIO otherwise. 'aio' refuses to start without it.");
    public static final ConfigKey<Duration> JOURNAL_BUFFER_TIMEOUT = ConfigKey.of("journal.buffer-timeout", ConfigType.DURATION, "100us",
            "Longest time the journal waits to gather concurrent writes into one disk sync. Artemis defaults to\n"
                    + "500us (AIO) and 3333us (NIO), which a lone durable sender pays on every send. On a disk doing\n"
                    + "about 3,000 syncs/s, 100us served one sender as well as shorter timeouts and batched four\n"
                    + "senders, or 100 pipelined sends, better (bench/node, docs/benchmarks.md).")
            .require(d -> d.toNanos() >= 1_000 && d.toNanos() <= 100_000_000, "must be between 1us and 100ms");
    public static final ConfigKey<Boolean> JOURNAL_SYNC = ConfigKey.of("journal.sync", ConfigType.BOOLEAN, "true",
            "Sync the journal to disk before a durable send or a commit is acknowledged. Turning this off\n"
                    + "trades the loss of recently acknowledged messages on a crash for speed.");
    public static final ConfigKey<Long> JOURNAL_FILE_SIZE = ConfigKey.of("journal.file-size", ConfigType.SIZE, "10MiB",
            "Size of each journal file.")
            .require(n -> n >= (1 << 20) && n <= (1L << 30), "must be between 1MiB and 1GiB");
    public static final ConfigKey<Long> GLOBAL_MAX_SIZE = ConfigKey.of("memory.global-max-size", ConfigType.SIZE, "256MiB",
            "Memory all addresses together may hold before new messages are paged to disk.\n"
                    + "Must be below the JVM heap (JUNCTION_HEAP in bin/junction).")
            .require(n -> n >= (1 << 20), "must be at least 1MiB");
    public static final ConfigKey<Integer> DISK_MAX_USAGE = ConfigKey.of("disk.max-usage", ConfigType.INT, "90",
            "Percentage of the data disk in use at which producers are blocked.")
            .require(n -> n >= 1 && n <= 100, "must be a percentage between 1 and 100");
    public static final ConfigKey<Integer> MAX_DELIVERY_ATTEMPTS = ConfigKey.of("delivery.max-attempts", ConfigType.INT, "10",
            "Deliveries of one message before it is moved to the dead-letter queue DLQ.")
            .require(n -> n >= 1, "must be at least 1");

    public static final ConfigKey<Integer> CLUSTER_NODE_ID = ConfigKey.of("cluster.node-id", ConfigType.INT, "0",
            "This node's place in cluster.nodes, from 1; 0 runs a single node without replication.\n"
                    + "In a cluster the brokers listen on this node's host and ports from cluster.nodes (every protocol\n"
                    + "on each broker port), so bind.address and the acceptor keys are not used (docs/ha.md).")
            .require(n -> n >= 0 && n <= 9, "must be 0 (no cluster) or a node number from 1 to 9");
    public static final ConfigKey<String> CLUSTER_NODES = ConfigKey.of("cluster.nodes", ConfigType.STRING, "",
            "Every node of the cluster, in order, as host:broker-port:backup-port:zk-port:zk-peer-port:zk-election-port,\n"
                    + "comma-separated and the same on every node. Node N runs the primary broker of group gN on its\n"
                    + "broker port, the backup of the previous node's group on its backup port, and ZooKeeper member N.");
    public static final ConfigKey<String> CLUSTER_SECRET = ConfigKey.of("cluster.secret", ConfigType.STRING, "",
            "Password the brokers of a cluster use with each other; the same on every node, and required in a cluster:\n"
                    + "at least 24 random characters, e.g. the output of `junction cluster secret`.");
    public static final ConfigKey<Duration> CLUSTER_LOCK_SESSION = ConfigKey.of("cluster.lock-session", ConfigType.DURATION, "3s",
            "How long ZooKeeper keeps a broker's lock after it stops answering: the least time a failover takes.\n"
                    + "Must be 2 to 20 ZooKeeper ticks, and well above the longest GC pause (see docs/ha.md).")
            .require(d -> d.toMillis() >= 1_000 && d.toMillis() <= 60_000, "must be between 1s and 60s");
    public static final ConfigKey<Duration> ZOOKEEPER_TICK = ConfigKey.of("zookeeper.tick", ConfigType.DURATION, "200ms",
            "ZooKeeper's basic time unit; sessions may last 2 to 20 ticks.")
            .require(d -> d.toMillis() >= 10 && d.toMillis() <= 10_000, "must be between 10ms and 10s");

    public static final ConfigKey<String> ZOOKEEPER_CONNECT = ConfigKey.of("zookeeper.connect", ConfigType.STRING, "",
            "An external ZooKeeper ensemble for a cluster, as host:port,host:port,... (three members or more).\n"
                    + "Empty: each node runs its own ensemble member on the ZooKeeper ports in cluster.nodes. When set,\n"
                    + "the nodes run no member and cluster.nodes entries may be just host:broker-port:backup-port.");
    public static final ConfigKey<String> ZOOKEEPER_HOSTS = ConfigKey.of("zookeeper.hosts", ConfigType.STRING, "",
            "The addresses the nodes' ZooKeeper members listen and talk to each other on, one per node in the order\n"
                    + "of cluster.nodes, e.g. a private network only the nodes share, so that clients cannot reach ZooKeeper.\n"
                    + "Empty: each node's host in cluster.nodes. Not used with zookeeper.connect.");
    public static final ConfigKey<String> TLS_KEYSTORE = ConfigKey.of("tls.keystore", ConfigType.STRING, "",
            "Keystore (PKCS12 or JKS) holding this node's certificate and private key. When set, every acceptor\n"
                    + "speaks TLS only, on the same ports; empty: plain TCP. On a cluster the nodes then talk TLS to each\n"
                    + "other too, and the certificate must name this node's host in cluster.nodes. docs/tls.md shows how.");
    public static final ConfigKey<String> TLS_KEYSTORE_PASSWORD = ConfigKey.of("tls.keystore-password", ConfigType.STRING, "",
            "Password of tls.keystore.");
    public static final ConfigKey<String> TLS_TRUSTSTORE = ConfigKey.of("tls.truststore", ConfigType.STRING, "",
            "Truststore with the certificates (or their authorities) of the clients allowed in by certificate;\n"
                    + "required when tls.client-auth is want or need. On a cluster it must also trust every node's\n"
                    + "certificate (empty: the nodes trust tls.keystore, so they share one key).");
    public static final ConfigKey<String> TLS_TRUSTSTORE_PASSWORD = ConfigKey.of("tls.truststore-password", ConfigType.STRING, "",
            "Password of tls.truststore.");
    public static final ConfigKey<String> TLS_CLIENT_AUTH = ConfigKey.of("tls.client-auth", ConfigType.oneOf("none", "want", "need"), "none",
            "Client certificates: none (not asked for), want (checked when offered) or need (a client without a\n"
                    + "certificate that tls.truststore trusts is refused). A password is required either way.");

    static final ConfigDef DEF = new ConfigDef()
            .define(NAME).define(BIND_ADDRESS).define(DATA_DIR).define(ACCEPTORS)
            .define(MAIN_PORT).define(AMQP_PORT).define(MQTT_PORT).define(STOMP_PORT)
            .define(JOURNAL_TYPE).define(JOURNAL_BUFFER_TIMEOUT).define(JOURNAL_SYNC).define(JOURNAL_FILE_SIZE)
            .define(GLOBAL_MAX_SIZE).define(DISK_MAX_USAGE).define(MAX_DELIVERY_ATTEMPTS)
            .define(CLUSTER_NODE_ID).define(CLUSTER_NODES).define(CLUSTER_SECRET).define(CLUSTER_LOCK_SESSION).define(ZOOKEEPER_TICK)
            .define(ZOOKEEPER_CONNECT).define(ZOOKEEPER_HOSTS)
            .define(TLS_KEYSTORE).define(TLS_KEYSTORE_PASSWORD).define(TLS_TRUSTSTORE).define(TLS_TRUSTSTORE_PASSWORD).define(TLS_CLIENT_AUTH);

    private NodeConfig() {
    }

    /** Reads and validates a node file. */
    public static Config load(Path file) {
        return DEF.parse(PropertiesFile.read(file), file.toString());
    }

    /** The built-in configuration used when no file is given, with optional overrides. */
    public static Config defaults(Map<String, String> overrides) {
        return DEF.parse(overrides, "the built-in node defaults");
    }

    public static Config parse(Map<String, String> values, String source) {
        return DEF.parse(values, source);
    }

    /** The commented file in etc/. */
    public static String template() {
        return DEF.toPropertiesTemplate("""
                Junction node configuration: one file per node, read by `junction node start --config FILE`.
                Every key is optional; the commented value is the default. Unknown keys stop start-up.
                Generated from the key declarations (junction node config-template); keep them in step.""");
    }
}
