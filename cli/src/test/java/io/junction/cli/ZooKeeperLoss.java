package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/** What `junction cluster recover` is for: a cluster whose ZooKeeper has lost its records. */
final class ZooKeeperLoss {
    private ZooKeeperLoss() {
    }

    /**
     * Loses every ZooKeeper member's data under a stopped cluster holding {@code messages} on {@code queue}: no broker
     * can prove its journal current, so no group activates (and Artemis sets the journals aside as stale); then
     * `junction cluster recover` restores the newest copies and every message is there again.
     */
    static void assertRecoverRestoresAfterLosingZooKeeperData(Path home, String queue, int messages) throws Exception {
        String dir = home.toString();
        String credentials = home.resolve("admin.credentials").toString();
        CliRun sent = CliRun.of("send", "--credentials", credentials, "--to", queue, "--count", String.valueOf(messages));
        assertEquals(0, sent.exitCode(), sent.err());
        assertEquals(0, CliRun.of("cluster", "down", "--data", dir).exitCode());
        for (int n = 1; n <= 3; n++) {
            ClusterLoad.deleteTree(home.resolve("node" + n).resolve("data").resolve("zookeeper"));
        }
        CliRun up = CliRun.of("cluster", "up", "--data", dir, "--timeout", "25");
        assertEquals(1, up.exitCode(), "no group may activate without ZooKeeper's record: " + up.out());
        CliRun status = CliRun.of("cluster", "status", "--data", dir);
        assertTrue(status.out().contains("g1 is DOWN"), "nothing was activated: " + status.out());

        CliRun recover = CliRun.of("cluster", "recover", "--data", dir);
        assertEquals(0, recover.exitCode(), recover.out() + recover.err());
        assertTrue(recover.out().contains("restore"), recover.out());
        CliRun healthy = CliRun.of("cluster", "status", "--data", dir);
        assertEquals(0, healthy.exitCode(), healthy.out());
        CliRun received = CliRun.of("receive", "--credentials", credentials, "--from", queue, "--count", String.valueOf(messages),
                "--timeout", "30");
        assertEquals(0, received.exitCode(), "every message sent before ZooKeeper's data was lost: " + received.err());
    }
}
