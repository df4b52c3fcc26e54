package io.junction.cluster.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health arithmetic behind {@code junction cluster status}'s exit code, on states built by hand. */
class ClusterHealthTest {
    private static List<ClusterHealth.ZooKeeper> members(String... modes) {
        List<ClusterHealth.ZooKeeper> members = new ArrayList<>();
        for (int i = 0; i < modes.length; i++) {
            members.add(new ClusterHealth.ZooKeeper(i + 1, "127.0.0.1:" + (2181 + i), modes[i]));
        }
        return members;
    }

    private static ClusterHealth.Broker broker(BrokerState state, boolean sync) {
        return new ClusterHealth.Broker(1, "primary", "tcp://127.0.0.1:61710", state, sync, 0, null);
    }

    @Test
    void zooKeeperIsHealthyOnlyWhenItCanLoseOneMoreMember() {
        ClusterHealth.State all = new ClusterHealth.State(List.of(), members("leader", "follower", "follower"));
        assertTrue(all.quorum());
        assertTrue(all.survivesAMemberLoss());
        // a member still rejoining after its node restarted: a majority, but the next node's loss would leave none
        ClusterHealth.State rejoining = new ClusterHealth.State(List.of(), members("leader", "not serving", "follower"));
        assertTrue(rejoining.quorum());
        assertFalse(rejoining.survivesAMemberLoss());
        ClusterHealth.State one = new ClusterHealth.State(List.of(), members("leader", "down", "down"));
        assertFalse(one.quorum());
        assertFalse(one.survivesAMemberLoss());
        // five external members with one down can still lose another
        assertTrue(new ClusterHealth.State(List.of(), members("leader", "follower", "follower", "follower", "down")).survivesAMemberLoss());
        assertFalse(new ClusterHealth.State(List.of(), members("leader", "follower", "follower", "down", "down")).survivesAMemberLoss());
        // a single standalone member has nothing to spare: its majority is all there is
        assertTrue(new ClusterHealth.State(List.of(), members("standalone")).survivesAMemberLoss());
    }

    @Test
    void groupStatusFollowsItsBrokers() {
        assertEquals(GroupStatus.REPLICATED, new ClusterHealth.Group("g1", broker(BrokerState.ACTIVE, true), broker(BrokerState.PASSIVE, false)).status());
        assertEquals(GroupStatus.UNPROTECTED, new ClusterHealth.Group("g1", broker(BrokerState.DOWN, false), broker(BrokerState.ACTIVE, false)).status());
        assertEquals(GroupStatus.SPLIT, new ClusterHealth.Group("g1", broker(BrokerState.ACTIVE, true), broker(BrokerState.ACTIVE, false)).status());
        assertEquals(GroupStatus.UNKNOWN, new ClusterHealth.Group("g1", broker(BrokerState.UNREACHABLE, false), broker(BrokerState.PASSIVE, false)).status());
        assertEquals(GroupStatus.DOWN, new ClusterHealth.Group("g1", broker(BrokerState.DOWN, false), broker(BrokerState.PASSIVE, false)).status());
        assertEquals("passive", BrokerState.PASSIVE.toString(), "shown in lower case, as before");
    }
}
