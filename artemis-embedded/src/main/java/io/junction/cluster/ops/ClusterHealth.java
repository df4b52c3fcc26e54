package io.junction.cluster.ops;

import io.junction.client.ClientErrors;
import io.junction.cluster.BrokerAttributes;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.DirectoryRegistry;
import io.junction.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;

/**
 * Looks at every broker and ZooKeeper member of a cluster from outside: which broker of each group serves, whether
 * its backup is in sync, how many messages it holds, and whether ZooKeeper has a majority. A passive backup does not
 * listen, so a broker that refuses connections on a node whose ZooKeeper member answers is reported as passive.
 */
public final class ClusterHealth {
    private static final int TIMEOUT_MS = BrokerAttributes.TIMEOUT_MS;

    /** One broker as seen from outside ({@link BrokerState}). */
    public record Broker(int node, String role, String url, BrokerState state, boolean replicaSync, long messages, String error) {
        public boolean active() {
            return state == BrokerState.ACTIVE;
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node);
            m.put("role", role);
            m.put("url", url);
            m.put("state", state.toString());
            if (active()) {
                m.put("replicaSync", replicaSync);
                m.put("messages", messages);
            }
            return m;
        }
    }

    /** A group's two brokers. */
    public record Group(String name, Broker primary, Broker backup) {
        public Optional<Broker> active() {
            return primary.active() ? Optional.of(primary) : backup.active() ? Optional.of(backup) : Optional.empty();
        }

        /** The group's health ({@link GroupStatus}). */
        public GroupStatus status() {
            if (primary.active() && backup.active()) {
                return GroupStatus.SPLIT;
            }
            if (active().isEmpty() && (primary.state() == BrokerState.UNREACHABLE || backup.state() == BrokerState.UNREACHABLE)) {
                return GroupStatus.UNKNOWN;
            }
            return active().map(b -> b.replicaSync() ? GroupStatus.REPLICATED : GroupStatus.UNPROTECTED).orElse(GroupStatus.DOWN);
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group", name);
            m.put("status", status().name());
            m.put("activeNode", active().map(Broker::node).orElse(null));
            m.put("activeRole", active().map(Broker::role).orElse(null));
            m.put("messages", active().map(Broker::messages).orElse(null));
            m.put("brokers", List.of(primary.json(), backup.json()));
            return m;
        }
    }

    /** One ZooKeeper member: {@code leader}, {@code follower}, {@code not serving} (no majority) or {@code down}. */
    public record ZooKeeper(int node, String address, String mode) {
        public boolean serving() {
            return mode.equals("leader") || mode.equals("follower") || mode.equals("standalone");
        }
    }

    public record State(List<Group> groups, List<ZooKeeper> zooKeeper) {
        public boolean quorum() {
            return zooKeeper.stream().filter(ZooKeeper::serving).count() * 2 > zooKeeper.size();
        }

        /**
         * ZooKeeper keeps its majority if one more member is lost: with one embedded member per node, every member
         * serves. Until then a node's loss stops every broker (no lock can be held), so the cluster is not healthy. An
         * ensemble of fewer than three members has nothing to spare; for it this is its majority.
         */
        public boolean survivesAMemberLoss() {
            long serving = zooKeeper.stream().filter(ZooKeeper::serving).count();
            return zooKeeper.size() < 3 ? quorum() : (serving - 1) * 2 > zooKeeper.size();
        }

        /** Every group served by its primary: no failover outstanding. */
        public boolean allOnPrimaries() {
            return groups.stream().allMatch(g -> g.primary().active() && !g.backup().active());
        }

        public boolean allReplicated() {
            return groups.stream().allMatch(g -> g.status() == GroupStatus.REPLICATED);
        }

        public Map<String, Object> json() {
            Map<String, Object> zk = new LinkedHashMap<>();
            zk.put("quorum", quorum());
            zk.put("survivesAMemberLoss", survivesAMemberLoss());
            zk.put("members", zooKeeper.stream().map(z -> Map.of("node", z.node(), "address", z.address(), "mode", z.mode())).toList());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("groups", groups.stream().map(Group::json).toList());
            m.put("zookeeper", zk);
            return m;
        }
    }

    private ClusterHealth() {
    }

    /**
     * Asks every ZooKeeper member and every broker of {@code layout}, as {@code user}; throws a one-line
     * {@link ConfigException} when a broker refuses the login.
     */
    public static State probe(ClusterLayout layout, String user, String password) {
        List<ZooKeeper> zooKeeper = new ArrayList<>();
        List<String> members = layout.zooKeeperMembers();
        for (int i = 0; i < members.size(); i++) {
            String address = members.get(i);
            int colon = address.lastIndexOf(':');
            zooKeeper.add(new ZooKeeper(i + 1, address, zooKeeperMode(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))));
        }
        // a node that is up: its own ZooKeeper member answers (embedded), or its presence node exists (external)
        Set<Integer> up = new HashSet<>();
        if (layout.embeddedZooKeeper()) {
            zooKeeper.stream().filter(z -> !z.mode().equals("down")).forEach(z -> up.add(z.node()));
        } else {
            up.addAll(presentNodes(layout));
        }
        List<Group> groups = new ArrayList<>();
        int n = layout.members().size();
        for (ClusterLayout.Member m : layout.members()) {
            ClusterLayout.Member next = layout.members().get(m.id() % n);
            groups.add(new Group(ClusterLayout.group(m),
                    broker(layout, m.id(), "primary", m.brokerUrl(), up.contains(m.id()), user, password),
                    broker(layout, next.id(), "backup", next.backupUrl(), up.contains(next.id()), user, password)));
        }
        return new State(groups, zooKeeper);
    }

    /**
     * Asks one broker. Nothing listening means passive (its node up) or down; any other failure (a reply too slow on
     * a busy machine) is tried once more and then reported as {@code unreachable}, never mistaken for passive.
     */
    private static Broker broker(ClusterLayout layout, int node, String role, String url, boolean nodeUp, String user, String password) {
        Broker first = ask(layout, node, role, url, nodeUp, user, password);
        return first.state() == BrokerState.UNREACHABLE ? ask(layout, node, role, url, nodeUp, user, password) : first;
    }

    private static Broker ask(ClusterLayout layout, int node, String role, String url, boolean nodeUp, String user, String password) {
        try {
            Map<String, Object> values = BrokerAttributes.read(layout.clientUrl(url, BrokerAttributes.QUERY), user, password,
                    "active", "replicaSync", "totalMessageCount");
            boolean active = (Boolean) values.get("active");
            boolean sync = (Boolean) values.get("replicaSync");
            long messages = ((Number) values.get("totalMessageCount")).longValue();
            return new Broker(node, role, url, active ? BrokerState.ACTIVE : BrokerState.PASSIVE, sync, messages, null);
        } catch (Exception e) {
            String reason = ClientErrors.rootMessage(e);
            if (reason.contains("Unable to validate user") || reason.contains("security")) {
                throw new ConfigException("Login refused by " + url + ": check the cluster's admin credentials");
            }
            if (e instanceof ActiveMQNotConnectedException || e.getCause() instanceof ActiveMQNotConnectedException) {
                return new Broker(node, role, url, nodeUp ? BrokerState.PASSIVE : BrokerState.DOWN, false, 0, reason);
            }
            return new Broker(node, role, url, BrokerState.UNREACHABLE, false, 0, reason);
        }
    }

    /** The nodes that announce themselves in an external ensemble; none if it does not answer in time. */
    private static Set<Integer> presentNodes(ClusterLayout layout) {
        Set<Integer> present = new HashSet<>();
        try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(layout.zooKeeper()).namespace(DirectoryRegistry.NAMESPACE)
                .sessionTimeoutMs(10_000).connectionTimeoutMs(TIMEOUT_MS).retryPolicy(new RetryNTimes(0, 0)).build()) {
            zk.start();
            if (zk.blockUntilConnected(TIMEOUT_MS, TimeUnit.MILLISECONDS) && zk.checkExists().forPath(DirectoryRegistry.NODES) != null) {
                for (String child : zk.getChildren().forPath(DirectoryRegistry.NODES)) {
                    present.add(Integer.parseInt(child));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // no answer: no node can be shown as up
        }
        return present;
    }

    /** ZooKeeper's {@code srvr} command: the member's mode, or why there is none. */
    public static String zooKeeperMode(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : answer.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
            return "not serving";
        } catch (IOException e) {
            return "down";
        }
    }
}
