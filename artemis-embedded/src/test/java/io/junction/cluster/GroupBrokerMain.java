package io.junction.cluster;

import io.junction.node.BrokerSettings;
import io.junction.node.NodeConfig;
import io.junction.security.DirectoryStore;
import io.junction.security.JunctionSecurityManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * One broker of a replication group in its own process, for tests that kill it: prints STARTED, then ACTIVE when it
 * serves and IN_SYNC when, as a backup, it holds a full replica.
 * Arguments: group role dataDir selfPort peerPort zooKeeper sessionMs usersFile [unfenced]; "unfenced" runs Artemis's
 * own broker without {@link io.junction.cluster.fence.FencedBroker}, to show what the fence prevents.
 */
public final class GroupBrokerMain {
    private GroupBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        String group = args[0];
        GroupSettings.Role role = GroupSettings.Role.valueOf(args[1]);
        Path data = Path.of(args[2]);
        String self = "tcp://127.0.0.1:" + args[3];
        String peer = "tcp://127.0.0.1:" + args[4];
        Map<String, String> settings = Map.of(NodeConfig.DATA_DIR.name(), data.toString(), NodeConfig.ACCEPTORS.name(), "main",
                NodeConfig.MAIN_PORT.name(), args[3], NodeConfig.JOURNAL_TYPE.name(), "nio");
        GroupSettings groupSettings = new GroupSettings(group, role, self, List.of(peer), args[5],
                Duration.ofMillis(Long.parseLong(args[6])), "cluster", "cluster-secret");
        boolean fenced = !List.of(args).subList(8, args.length).contains("unfenced");
        EmbeddedActiveMQ broker = (fenced ? new io.junction.cluster.fence.FencedBroker() : new EmbeddedActiveMQ())
                .setConfiguration(groupSettings.applyTo(BrokerSettings.build(NodeConfig.parse(settings, "args"), data, JournalType.NIO)))
                .setSecurityManager(new JunctionSecurityManager(DirectoryStore.open(Path.of(args[7]))));
        broker.start();
        System.out.println("STARTED " + group + " " + role);
        ActiveMQServer server = broker.getActiveMQServer();
        boolean reportedSync = false;
        while (!server.waitForActivation(100, TimeUnit.MILLISECONDS)) {
            if (!reportedSync && server.isReplicaSync()) {
                System.out.println("IN_SYNC " + group + " " + role);
                reportedSync = true;
            }
        }
        System.out.println("ACTIVE " + group + " " + role);
        while (server.isStarted()) {
            Thread.sleep(100);
        }
        System.out.println("STOPPED " + group + " " + role);
        Thread.sleep(Long.MAX_VALUE);
    }
}
