package io.junction.cluster;

import io.junction.client.ClientUrls;
import io.junction.config.Config;
import io.junction.node.NodeConfig;
import io.junction.node.Tls;
import java.util.ArrayList;
import java.util.List;

/**
 * Who runs what in a cluster, from the node configuration: node N runs the primary of group gN, the backup of the
 * previous node's group (node 1 backs up the last), and ZooKeeper member N, unless the cluster uses an external
 * ensemble ({@code externalZooKeeper}, empty otherwise). {@code clientTls} holds the URL parameters with which a client
 * on a node's machine reaches the cluster's TLS acceptors, and is empty without TLS.
 */
public record ClusterLayout(int self, List<Member> members, String secret, String externalZooKeeper, String clientTls) {

    /**
     * One node's address and ports, as listed in {@code cluster.nodes}; {@code zkHost} is the address of its ZooKeeper
     * member ({@code zookeeper.hosts}, else {@code host}).
     */
    public record Member(int id, String host, int brokerPort, int backupPort, String zkHost, int zkPort, int zkPeerPort, int zkElectionPort) {
        public String brokerUrl() {
            return "tcp://" + host + ":" + brokerPort;
        }

        public String backupUrl() {
            return "tcp://" + host + ":" + backupPort;
        }

        ZooKeeperMember.Peer zooKeeperPeer() {
            return new ZooKeeperMember.Peer(id, zkHost, zkPort, zkPeerPort, zkElectionPort);
        }

        /** Where this node's ZooKeeper member serves clients. */
        public String zooKeeperAddress() {
            return zkHost + ":" + zkPort;
        }
    }

    /** The layout of a clustered node; throws a one-line {@code ConfigException} naming the key at fault. */
    public static ClusterLayout of(Config config) {
        int self = config.get(NodeConfig.CLUSTER_NODE_ID);
        String list = config.get(NodeConfig.CLUSTER_NODES).trim();
        List<Member> members = new ArrayList<>();
        String external = externalEnsemble(config);
        String[] zkHosts = zooKeeperHosts(config, external);
        for (String entry : list.isEmpty() ? new String[0] : list.split(",")) {
            String[] p = entry.trim().split(":");
            if (p.length != 6 && !(p.length == 3 && !external.isEmpty())) {
                throw config.invalid(NodeConfig.CLUSTER_NODES, "entry '" + entry.trim()
                        + "' is not host:broker-port:backup-port:zk-port:zk-peer-port:zk-election-port"
                        + (external.isEmpty() ? "" : " or host:broker-port:backup-port"));
            }
            try {
                int id = members.size() + 1;
                String zkHost = zkHosts.length >= id ? zkHosts[id - 1] : p[0];
                members.add(p.length == 3 ? new Member(id, p[0], port(p[1]), port(p[2]), "", 0, 0, 0)
                        : new Member(id, p[0], port(p[1]), port(p[2]), zkHost, port(p[3]), port(p[4]), port(p[5])));
            } catch (IllegalArgumentException e) {
                throw config.invalid(NodeConfig.CLUSTER_NODES, "entry '" + entry.trim() + "': " + e.getMessage());
            }
        }
        if (zkHosts.length > 0 && zkHosts.length != members.size()) {
            throw config.invalid(NodeConfig.ZOOKEEPER_HOSTS, "lists " + zkHosts.length + " addresses for the " + members.size()
                    + " nodes of cluster.nodes: give one per node, in the same order");
        }
        if (members.size() < 3) {
            throw config.invalid(NodeConfig.CLUSTER_NODES, "a cluster needs at least three nodes for a ZooKeeper majority");
        }
        if (self < 1 || self > members.size()) {
            throw config.invalid(NodeConfig.CLUSTER_NODE_ID, "must be between 1 and " + members.size() + ", the nodes in cluster.nodes");
        }
        String secret = config.get(NodeConfig.CLUSTER_SECRET);
        if (secret.isBlank()) {
            throw config.invalid(NodeConfig.CLUSTER_SECRET, "a cluster needs a secret shared by its nodes");
        }
        checkSecret(config, secret);
        long session = config.get(NodeConfig.CLUSTER_LOCK_SESSION).toMillis();
        long tick = config.get(NodeConfig.ZOOKEEPER_TICK).toMillis();
        if (session < 2 * tick || session > 20 * tick) {
            throw config.invalid(NodeConfig.CLUSTER_LOCK_SESSION, "must be 2 to 20 times zookeeper.tick (" + tick + "ms)");
        }
        return new ClusterLayout(self, List.copyOf(members), secret, external, Tls.clusterClientParameters(config));
    }

    /** The fewest characters a cluster secret may have: {@code junction cluster secret} makes 43. */
    public static final int SECRET_MIN_LENGTH = 24;

    /**
     * Refuses the example files' placeholder and any short secret: the secret is the password of the broker's cluster
     * user, which Artemis lets in without asking the security manager, and the key that seals the directory.
     */
    private static void checkSecret(Config config, String secret) {
        if (secret.toUpperCase(java.util.Locale.ROOT).contains("CHANGE-ME")) {
            throw config.invalid(NodeConfig.CLUSTER_SECRET, "the example's placeholder is public; put the output of `junction cluster secret` "
                    + "on every node");
        }
        if (secret.length() < SECRET_MIN_LENGTH || secret.chars().distinct().count() < 10) {
            throw config.invalid(NodeConfig.CLUSTER_SECRET, "too weak (" + secret.length() + " characters): use at least " + SECRET_MIN_LENGTH
                    + " random ones, e.g. the output of `junction cluster secret`");
        }
    }

    /**
     * The name of the brokers' cluster user, derived from the secret. Artemis checks a login under that name against
     * the secret alone, before and instead of Junction's security manager, so a well-known name would let wrong
     * secrets be tried without the login throttle ever seeing them. Under a name only the secret's holders can
     * compute, every guess is an unknown user's failed login: logged, counted and throttled like any other.
     */
    public String clusterUser() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("junction cluster user\0" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "junction-cluster-" + java.util.HexFormat.of().formatHex(digest, 0, 10);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A new random cluster secret: 32 bytes from a strong source, base64url (43 characters). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code zookeeper.hosts}, checked: none, or one non-blank address per node (counted by the caller). */
    private static String[] zooKeeperHosts(Config config, String external) {
        String value = config.get(NodeConfig.ZOOKEEPER_HOSTS).trim();
        if (value.isEmpty()) {
            return new String[0];
        }
        if (!external.isEmpty()) {
            throw config.invalid(NodeConfig.ZOOKEEPER_HOSTS, "is for the nodes' own ZooKeeper members; leave it empty with zookeeper.connect");
        }
        String[] hosts = value.split(",", -1);
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = hosts[i].trim();
            if (hosts[i].isEmpty() || hosts[i].contains(":") && !hosts[i].startsWith("[")) {
                throw config.invalid(NodeConfig.ZOOKEEPER_HOSTS, "entry " + (i + 1) + " '" + hosts[i] + "' is not an address (no port: the ports are in cluster.nodes)");
            }
        }
        return hosts;
    }

    /** {@code zookeeper.connect}, checked: empty, or three or more {@code host:port} entries. */
    private static String externalEnsemble(Config config) {
        String value = config.get(NodeConfig.ZOOKEEPER_CONNECT).trim();
        if (value.isEmpty()) {
            return "";
        }
        String[] entries = value.split(",");
        for (String entry : entries) {
            String[] p = entry.trim().split(":");
            try {
                if (p.length != 2 || p[0].isBlank()) {
                    throw new IllegalArgumentException("is not host:port");
                }
                port(p[1]);
            } catch (IllegalArgumentException e) {
                throw config.invalid(NodeConfig.ZOOKEEPER_CONNECT, "entry '" + entry.trim() + "' " + e.getMessage().replaceFirst("^'", "'"));
            }
        }
        if (entries.length < 3) {
            throw config.invalid(NodeConfig.ZOOKEEPER_CONNECT, "an ensemble needs at least three members for a majority that survives one loss");
        }
        return value;
    }

    /** Whether each node runs a member of the cluster's ZooKeeper ensemble (else it uses an external one). */
    public boolean embeddedZooKeeper() {
        return externalZooKeeper.isEmpty();
    }

    /** The ensemble's members as {@code host:port}, embedded or external, in order. */
    public List<String> zooKeeperMembers() {
        if (!embeddedZooKeeper()) {
            return java.util.Arrays.stream(externalZooKeeper.split(",")).map(String::trim).toList();
        }
        return members.stream().map(Member::zooKeeperAddress).toList();
    }

    public Member me() {
        return members.get(self - 1);
    }

    /** The node whose group this node backs up. */
    public Member previous() {
        return members.get((self - 2 + members.size()) % members.size());
    }

    /** The node that backs up this node's group. */
    public Member next() {
        return members.get(self % members.size());
    }

    /** The connect string of the cluster's ZooKeeper ensemble. */
    public String zooKeeper() {
        return embeddedZooKeeper() ? ZooKeeperMember.connectString(members.stream().map(Member::zooKeeperPeer).toList()) : externalZooKeeper;
    }

    /** Every broker of the cluster, primaries and backups, node by node. */
    public List<String> brokerUrls() {
        List<String> urls = new ArrayList<>();
        for (Member m : members) {
            urls.add(m.brokerUrl());
            urls.add(m.backupUrl());
        }
        return urls;
    }

    /** The URL a client on a node's machine uses to reach the whole cluster. */
    public String clientUrl() {
        return clientTls.isEmpty() ? ClientUrls.cluster(brokerUrls()) : ClientUrls.namedCluster(brokerUrls()) + "&" + clientTls;
    }

    /** {@code brokerUrl} (a member's {@link Member#brokerUrl()} or {@link Member#backupUrl()}) with {@code query} and the TLS parameters. */
    public String clientUrl(String brokerUrl, String query) {
        String all = clientTls.isEmpty() ? query : query.isEmpty() ? clientTls : query + "&" + clientTls;
        return all.isEmpty() ? brokerUrl : brokerUrl + "?" + all;
    }

    public static String group(Member primaryNode) {
        return "g" + primaryNode.id();
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + text + " is not between 1 and 65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port");
        }
    }
}
