package io.junction.cluster;

import io.junction.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A three-member ZooKeeper ensemble on loopback ports, standing in for a site's own ensemble
 * ({@code zookeeper.connect}) in the tests; closing it stops every member.
 */
public final class ExternalEnsemble implements AutoCloseable {
    private final List<ZooKeeperMember> members;
    private final List<ZooKeeperMember.Peer> peers;

    private ExternalEnsemble(List<ZooKeeperMember> members, List<ZooKeeperMember.Peer> peers) {
        this.members = members;
        this.peers = peers;
    }

    public static ExternalEnsemble start(Path dir) throws Exception {
        List<ZooKeeperMember.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(new ZooKeeperMember.Peer(i, "127.0.0.1", FreePorts.next(), FreePorts.next(), FreePorts.next()));
        }
        List<ZooKeeperMember> members = new ArrayList<>();
        ExternalEnsemble ensemble = new ExternalEnsemble(members, peers);
        try {
            for (ZooKeeperMember.Peer peer : peers) {
                members.add(ZooKeeperMember.ensembleMember(dir.resolve("zk" + peer.id()), peer, peers, Duration.ofMillis(200)));
            }
        } catch (Exception e) {
            ensemble.close();
            throw e;
        }
        return ensemble;
    }

    public String connectString() {
        return ZooKeeperMember.connectString(peers);
    }

    /** Each member's client address, {@code 127.0.0.1:port}. */
    public List<String> clientAddresses() {
        return peers.stream().map(p -> p.host() + ":" + p.clientPort()).toList();
    }

    /** {@code cluster.nodes} for three nodes on free loopback ports, in the short form an external ensemble allows. */
    public static String clusterNodes() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add("127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
        }
        return String.join(",", entries);
    }

    @Override
    public void close() {
        members.forEach(ZooKeeperMember::close);
    }
}
