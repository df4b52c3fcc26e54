package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/**
 * Loses every ZooKeeper member's data under a stopped cluster: no broker may then prove its journal current, so no
 * group activates, and `junction cluster recover` must refuse, pointing at the newest copy, rather than guess.
 */
final class ZooKeeperLoss {
    private ZooKeeperLoss() {
    }

    static void assertRecoverRefusesAfterLosingZooKeeperData(Path home) throws Exception {
        String dir = home.toString();
        assertEquals(0, CliRun.of("cluster", "down", "--data", dir).exitCode());
        for (int n = 1; n <= 3; n++) {
            ClusterLoad.deleteTree(home.resolve("node" + n).resolve("data").resolve("zookeeper"));
        }
        CliRun up = CliRun.of("cluster", "up", "--data", dir, "--timeout", "25");
        assertEquals(1, up.exitCode(), "no group may activate without ZooKeeper's record: " + up.out());
        CliRun recover = CliRun.of("cluster", "recover", "--data", dir);
        assertEquals(1, recover.exitCode(), recover.out());
        assertTrue(recover.out().contains("was set aside by Artemis in"), recover.out());
        assertTrue(recover.errorLine().startsWith("junction: Refused to recover g1, g2, g3"), recover.err());
        CliRun status = CliRun.of("cluster", "status", "--data", dir);
        assertTrue(status.out().contains("g1 is DOWN"), "nothing was activated: " + status.out());
    }
}
