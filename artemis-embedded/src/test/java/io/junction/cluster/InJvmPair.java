package io.junction.cluster;

import io.junction.node.BrokerSettings;
import io.junction.node.NodeConfig;
import io.junction.node.RunningNode;
import io.junction.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.JournalType;

/**
 * A replication group in the test's own JVM: a standalone ZooKeeper and the free ports, data directories and URLs of
 * its primary and backup, whose configurations {@link #configuration} builds with the NIO journal.
 */
record InJvmPair(ZooKeeperMember zk, Map<String, String> primaryPorts, Map<String, String> backupPorts, Duration session) implements AutoCloseable {

    static InJvmPair open(Path dir, Duration tick, Duration session) throws Exception {
        ZooKeeperMember zk = ZooKeeperMember.standalone(dir.resolve("zk"), "127.0.0.1", FreePorts.next(), tick);
        return new InJvmPair(zk, RunningNode.freePortSettings(dir.resolve("primary")), RunningNode.freePortSettings(dir.resolve("backup")), session);
    }

    String primaryUrl() {
        return "tcp://127.0.0.1:" + primaryPorts.get(NodeConfig.MAIN_PORT.name());
    }

    String backupUrl() {
        return "tcp://127.0.0.1:" + backupPorts.get(NodeConfig.MAIN_PORT.name());
    }

    /** The configuration of the group's broker in {@code role}, its peer the other broker. */
    Configuration configuration(GroupSettings.Role role) throws Exception {
        boolean primary = role == GroupSettings.Role.PRIMARY;
        Map<String, String> settings = new HashMap<>(primary ? primaryPorts : backupPorts);
        settings.put(NodeConfig.ACCEPTORS.name(), "main");
        settings.put(NodeConfig.JOURNAL_TYPE.name(), "nio");
        Path data = Path.of(settings.get(NodeConfig.DATA_DIR.name()));
        GroupSettings group = new GroupSettings("g1", role, primary ? primaryUrl() : backupUrl(), List.of(primary ? backupUrl() : primaryUrl()),
                zk.connectString(), session, "cluster", "cluster-secret");
        return group.applyTo(BrokerSettings.build(NodeConfig.parse(settings, primary ? "primary" : "backup"), data, JournalType.NIO));
    }

    @Override
    public void close() {
        zk.close();
    }
}
