package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.lockmanager.DistributedLockManager;
import org.apache.activemq.artemis.lockmanager.zookeeper.CuratorDistributedLockManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three embedded members: the lock manager works while a majority is up, and refuses locks without one. */
class ZooKeeperEnsembleTest {
    @TempDir
    Path dir;

    @Test
    void locksNeedAMajorityOfTheEnsemble() throws Exception {
        List<ZooKeeperMember.Peer> peers = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            peers.add(new ZooKeeperMember.Peer(id, "127.0.0.1", FreePorts.next(), FreePorts.next(), FreePorts.next()));
        }
        List<ZooKeeperMember> members = new ArrayList<>();
        try {
            for (ZooKeeperMember.Peer peer : peers) {
                members.add(ZooKeeperMember.ensembleMember(dir.resolve("zk" + peer.id()), peer, peers, Duration.ofMillis(200)));
            }
            String connect = ZooKeeperMember.connectString(peers);
            assertTrue(canLock(connect, "g1"), "a full ensemble must grant a lock");

            members.get(2).close();
            assertTrue(canLock(connect, "g2"), "two of three members are a majority");

            members.get(1).close();
            assertFalse(canLock(connect, "g3"), "one of three members must not grant a lock");
        } finally {
            members.forEach(ZooKeeperMember::close);
        }
    }

    private static boolean canLock(String connect, String lockId) throws Exception {
        DistributedLockManager manager = new CuratorDistributedLockManager(Map.of(
                "connect-string", connect, "session-ms", "4000", "connection-ms", "2000", "namespace", "test"));
        try {
            if (!manager.start(10, TimeUnit.SECONDS)) {
                return false;
            }
            return manager.getDistributedLock(lockId).tryLock(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        } finally {
            manager.stop();
        }
    }
}
