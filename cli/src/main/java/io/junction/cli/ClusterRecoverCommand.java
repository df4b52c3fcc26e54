package io.junction.cli;

import io.junction.cluster.ClusterLayout;
import io.junction.cluster.GroupSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.retry.RetryNTimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recover", mixinStandardHelpOptions = true,
        header = "Repair the activation sequences of groups that cannot activate, then restart the nodes.",
        description = {"A broker may serve its group only if its journal's activation sequence equals the one ZooKeeper records for",
                "the group, so that a stale copy never serves. Artemis repairs an interrupted increment itself; when ZooKeeper",
                "has lost its record (its data was lost or replaced), no broker of a group may serve until it is repaired.",
                "For each group this command compares ZooKeeper's sequence with the journals in DIR:",
                "  ok       a journal matches ZooKeeper; its broker activates on its own",
                "  repair   ZooKeeper has no record: it is set to the newest journal's sequence",
                "  REFUSED  the newest copy is missing (ZooKeeper records a newer sequence than any journal here), or Artemis",
                "           set it aside (journal/oldreplica.N) when it found it stale: activating an older copy would lose",
                "           acknowledged messages, so bring that broker back or restore the copy by hand (docs/ha.md).",
                "After a repair it stops and starts the cluster's nodes (as `down` and `up` do) so the brokers look again.",
                "It needs a ZooKeeper majority (the nodes running) and reads the journals under DIR."},
        footer = {"", "Examples:", "  junction cluster recover", "  junction cluster recover --dry-run --json"})
final class ClusterRecoverCommand implements Callable<Integer> {
    static final String SEQUENCE_FILE = "server.activation.sequence";

    @Mixin
    OutputOptions output;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "cluster", description = "Cluster directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--dry-run", description = "Report what would be done, change nothing.")
    boolean dryRun;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "How long the restart may take to bring every group back (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** One group's verdict. */
    record Verdict(String group, long zooKeeper, Map<String, Long> journals, String action, String detail) {
    }

    @Override
    public Integer call() throws Exception {
        Logging.quietClients();
        ClusterHome home = new ClusterHome(data);
        ClusterLayout layout = home.layout();
        List<Verdict> verdicts = new ArrayList<>();
        try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(layout.zooKeeper()).namespace(GroupSettings.LOCK_NAMESPACE)
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryNTimes(3, 500)).build()) {
            zk.start();
            if (!zk.blockUntilConnected(15, TimeUnit.SECONDS)) {
                throw CliFailure.failure("ZooKeeper at " + layout.zooKeeper() + " does not answer: start the nodes first (junction cluster up "
                        + "waits for them; Ctrl-C it once they run) and run recover again");
            }
            int n = layout.members().size();
            for (ClusterLayout.Member m : layout.members()) {
                String group = ClusterLayout.group(m);
                Map<String, Long> journals = new LinkedHashMap<>();
                Map<String, Long> setAside = new LinkedHashMap<>();
                Path primaryDir = home.nodeDir(m.id()).resolve("data").resolve(group + "-primary");
                int next = m.id() % n + 1;
                Path backupDir = home.nodeDir(next).resolve("data").resolve(group + "-backup");
                journal(primaryDir).ifPresent(s -> journals.put("node " + m.id() + " primary", s));
                journal(backupDir).ifPresent(s -> journals.put("node " + next + " backup", s));
                setAside.putAll(setAside(primaryDir));
                setAside.putAll(setAside(backupDir));
                DistributedAtomicLong sequence = new DistributedAtomicLong(zk, "/" + group + "/activation-sequence", new RetryNTimes(3, 200));
                AtomicValue<Long> current = sequence.get();
                if (!current.succeeded()) {
                    throw CliFailure.failure("Cannot read " + group + "'s activation sequence from ZooKeeper");
                }
                Verdict v = judge(group, current.postValue(), journals, setAside);
                if (v.action().equals("repair") && !dryRun) {
                    long newest = journals.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                    sequence.forceSet(newest);
                }
                verdicts.add(v);
            }
        }
        boolean refused = verdicts.stream().anyMatch(v -> v.action().equals("REFUSED"));
        boolean repaired = verdicts.stream().anyMatch(v -> v.action().equals("repair"));
        List<List<Object>> rows = new ArrayList<>();
        for (Verdict v : verdicts) {
            rows.add(List.of(v.group(), v.zooKeeper(), v.journals().toString().replace("{", "").replace("}", ""), v.action(), v.detail()));
        }
        output.table(List.of("GROUP", "ZOOKEEPER", "JOURNALS", "ACTION", "DETAIL"), List.of("group", "zookeeper", "journals", "action", "detail"),
                rows);
        if (repaired && !dryRun) {
            restart();
        }
        if (refused) {
            throw CliFailure.failure("Refused to recover "
                    + String.join(", ", verdicts.stream().filter(v -> v.action().equals("REFUSED")).map(Verdict::group).toList())
                    + ": the newest copy of their journal is not in place (see DETAIL); nothing was changed for them");
        }
        return 0;
    }

    /**
     * What to do for one group, from ZooKeeper's sequence (a negative one is an increment under way), the journals in
     * place, and the copies Artemis set aside ({@code oldreplica.N}) when a broker found its journal stale.
     */
    static Verdict judge(String group, long zooKeeper, Map<String, Long> journals, Map<String, Long> setAside) {
        long newest = journals.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long newestAside = setAside.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long claimed = Math.abs(zooKeeper);
        if (journals.containsValue(zooKeeper) || zooKeeper < 0 && (newest == claimed || newest == claimed - 1)) {
            return new Verdict(group, zooKeeper, journals, "ok", "a journal matches ZooKeeper; Artemis activates it");
        }
        if (newestAside > newest || newestAside > 0 && setAside.containsValue(zooKeeper)) {
            String where = setAside.entrySet().stream().filter(e -> e.getValue() == newestAside).map(Map.Entry::getKey).findFirst().orElseThrow();
            return new Verdict(group, zooKeeper, journals, "REFUSED", "the newest copy (sequence " + newestAside + ") was set aside by Artemis in "
                    + where + "; restoring it is a manual step (docs/ha.md)");
        }
        if (journals.isEmpty()) {
            return new Verdict(group, zooKeeper, journals, "REFUSED", "no journal of this group is readable here");
        }
        if (zooKeeper == 0) {
            return new Verdict(group, zooKeeper, journals, "repair", "ZooKeeper has no record; set to the newest journal's " + newest);
        }
        if (claimed > newest) {
            return new Verdict(group, zooKeeper, journals, "REFUSED", "ZooKeeper records " + claimed + ", newer than any journal here ("
                    + newest + "): the newest copy is missing");
        }
        return new Verdict(group, zooKeeper, journals, "REFUSED", "the journals (" + newest + ") are ahead of ZooKeeper (" + zooKeeper
                + "): cannot tell which copy is current");
    }

    /** Journals Artemis moved to {@code journal/oldreplica.N} when the broker found itself stale, by directory. */
    static Map<String, Long> setAside(Path brokerDir) {
        Map<String, Long> copies = new LinkedHashMap<>();
        Path journalDir = brokerDir.resolve("journal");
        if (!Files.isDirectory(journalDir)) {
            return copies;
        }
        try (var dirs = Files.list(journalDir)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("oldreplica.")).sorted().toList()) {
                journal(d.getParent().getParent(), d).ifPresent(seq -> copies.put(d.toString(), seq));
            }
        } catch (IOException e) {
            throw CliFailure.failure("Cannot list " + journalDir + ": " + e.getMessage());
        }
        return copies;
    }

    /** The activation sequence a broker's journal holds, if the broker has one. */
    static OptionalLong journal(Path brokerDir) {
        return journal(brokerDir, brokerDir.resolve("journal"));
    }

    private static OptionalLong journal(Path brokerDir, Path journalDir) {
        Path file = journalDir.resolve(SEQUENCE_FILE);
        try {
            if (!Files.exists(file) || Files.size(file) < Long.BYTES) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(ByteBuffer.wrap(Files.readAllBytes(file)).getLong(0));
        } catch (IOException e) {
            throw CliFailure.failure("Cannot read " + file + ": " + e.getMessage());
        }
    }

    /** `cluster down`, then `cluster up`, their own output kept unless they fail. */
    private void restart() {
        for (String[] command : List.of(new String[] {"cluster", "down", "--data", data.toString()},
                new String[] {"cluster", "up", "--data", data.toString(), "--timeout", String.valueOf(timeoutSeconds)})) {
            StringWriter err = new StringWriter();
            int code = JunctionCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true)).execute(command);
            if (code != 0) {
                throw CliFailure.failure("Repaired, but `junction " + String.join(" ", command) + "` failed: "
                        + err.toString().strip().replaceFirst("^junction: ", ""));
            }
        }
    }
}
