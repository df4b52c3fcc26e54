package io.junction.cluster;

import io.junction.testing.ChildJvm;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One replication group for the process tests: a standalone ZooKeeper in the test's JVM, and its primary and backup
 * each in their own JVM ({@link GroupBrokerMain}), the backup in sync, with the users of {@link AppUser}.
 */
record GroupProcesses(Path dir, ZooKeeperMember zk, ChildJvm primary, ChildJvm backup, Path users, int primaryPort, int backupPort, List<String> options)
        implements AutoCloseable {
    static final long SESSION_MS = 3_000;

    /** Starts the group with its backup in sync; {@code options} are extra arguments of both brokers (e.g. "unfenced"). */
    static GroupProcesses startInSync(Path dir, String... options) throws Exception {
        Path users = dir.resolve("users.properties");
        AppUser.store(users);
        int primaryPort = FreePorts.next();
        int backupPort = FreePorts.next();
        ZooKeeperMember zk = ZooKeeperMember.standalone(dir.resolve("zk"), "127.0.0.1", FreePorts.next(), Duration.ofMillis(200));
        ChildJvm primary = null;
        ChildJvm backup = null;
        try {
            GroupProcesses group = new GroupProcesses(dir, zk, null, null, users, primaryPort, backupPort, List.of(options));
            primary = group.broker("PRIMARY", "primary.log");
            ChildJvm started = primary;
            Waits.until(Duration.ofSeconds(60), "primary active", () -> started.output().contains("ACTIVE g1 PRIMARY"));
            backup = group.broker("BACKUP", "backup.log");
            ChildJvm syncing = backup;
            Waits.until(Duration.ofSeconds(60), "backup in sync", () -> syncing.output().contains("IN_SYNC"));
            return new GroupProcesses(dir, zk, primary, backup, users, primaryPort, backupPort, List.of(options));
        } catch (RuntimeException | AssertionError e) {
            if (backup != null) {
                backup.close();
            }
            if (primary != null) {
                primary.close();
            }
            zk.close();
            throw e;
        }
    }

    /** Starts a broker of this group, {@code role} PRIMARY or BACKUP, logging to {@code log} in the test directory. */
    ChildJvm broker(String role, String log) {
        boolean primaryRole = role.equals("PRIMARY");
        List<String> args = new ArrayList<>(List.of("g1", role, dir.resolve(role.toLowerCase(Locale.ROOT)).toString(),
                String.valueOf(primaryRole ? primaryPort : backupPort), String.valueOf(primaryRole ? backupPort : primaryPort),
                zk.connectString(), String.valueOf(SESSION_MS), users.toString()));
        args.addAll(options);
        return ChildJvm.start(dir.resolve(log), List.of(), GroupBrokerMain.class.getName(), args.toArray(String[]::new));
    }

    String primaryUrl() {
        return "tcp://127.0.0.1:" + primaryPort;
    }

    String backupUrl() {
        return "tcp://127.0.0.1:" + backupPort;
    }

    @Override
    public void close() {
        backup.close();
        primary.close();
        zk.close();
    }
}
