package io.junction.cli;

import io.junction.cluster.ClusterLayout;
import io.junction.cluster.GroupSettings;
import io.junction.cluster.ZooKeeperAuth;
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
                "  restore  Artemis set the newest copy aside (journal/oldreplica.N) when it found it stale for want of",
                "           ZooKeeper's record: ZooKeeper is set to its sequence and the copy moved back into place",
                "  REFUSED  the newest copy is missing (ZooKeeper records a newer sequence than any copy here) or two copies",
                "           disagree with ZooKeeper: activating an older copy would lose acknowledged messages, so nothing",
                "           is changed for the group; bring back the broker that holds the newest copy.",
                "After a repair or restore it stops the cluster's nodes, moves set-aside copies back (what was in their place",
                "is kept in junction-displaced-TIME) and starts the nodes again, as `down` and `up` do.",
                "It needs a ZooKeeper majority (the nodes running) and reads the journals under DIR."},
        footer = {"", "Examples:", "  junction cluster recover", "  junction cluster recover --dry-run --json"})
final class ClusterRecoverCommand implements Callable<Integer> {
    static final String SEQUENCE_FILE = "server.activation.sequence";

    @Mixin
    OutputOptions output;

    @Mixin
    ClusterDirectory data;

    @Option(names = "--dry-run", description = "Report what would be done, change nothing.")
    boolean dryRun;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "How long the restart may take to bring every group back (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** One group's verdict. */
    record Verdict(String group, long zooKeeper, Map<String, Long> journals, String action, String detail, String restoreFrom,
                   long target) {
        Verdict(String group, long zooKeeper, Map<String, Long> journals, String action, String detail) {
            this(group, zooKeeper, journals, action, detail, null, zooKeeper);
        }

        boolean changes() {
            return action.equals("repair") || action.equals("restore");
        }
    }

    @Override
    public Integer call() throws Exception {
        Logging.quietClients();
        ClusterHome home = data.home();
        ClusterLayout layout = home.layout();
        List<Verdict> verdicts = new ArrayList<>();
        try (AutoCloseable login = layout.embeddedZooKeeper() ? ZooKeeperAuth.login(layout.secret()) : () -> { };
                CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(layout.zooKeeper()).namespace(GroupSettings.LOCK_NAMESPACE)
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
                if (v.changes() && !dryRun && v.target() != current.postValue()) {
                    // ZooKeeper first: a restored journal then matches it when its broker starts, instead of being set
                    // aside again as stale. Only from the value judged: if a broker changed it meanwhile, judge again.
                    // a lost record has no ZooKeeper node at all, which only initialize() creates
                    boolean set = current.postValue() == 0 && sequence.initialize(v.target())
                            || sequence.compareAndSet(current.postValue(), v.target()).succeeded();
                    if (!set) {
                        throw CliFailure.failure(group + "'s activation sequence changed in ZooKeeper while recover ran; run it again");
                    }
                }
                verdicts.add(v);
            }
        }
        boolean refused = verdicts.stream().anyMatch(v -> v.action().equals("REFUSED"));
        boolean repaired = verdicts.stream().anyMatch(Verdict::changes);
        List<List<Object>> rows = new ArrayList<>();
        for (Verdict v : verdicts) {
            rows.add(List.of(v.group(), v.zooKeeper(), v.journals().toString().replace("{", "").replace("}", ""), v.action(), v.detail()));
        }
        output.table(List.of("GROUP", "ZOOKEEPER", "JOURNALS", "ACTION", "DETAIL"), List.of("group", "zookeeper", "journals", "action", "detail"),
                rows);
        if (repaired && !dryRun) {
            restart(verdicts.stream().map(Verdict::restoreFrom).filter(java.util.Objects::nonNull).map(Path::of).toList());
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
        boolean matches = journals.containsValue(zooKeeper) || zooKeeper < 0 && (newest == claimed || newest == claimed - 1);
        if (matches && claimed >= newest && claimed >= newestAside) {
            return new Verdict(group, zooKeeper, journals, "ok", "a journal matches ZooKeeper; Artemis activates it");
        }
        if (matches) {
            return new Verdict(group, zooKeeper, journals, "REFUSED", "ZooKeeper accepts sequence " + claimed + " but a newer copy ("
                    + Math.max(newest, newestAside) + ") exists here: cannot tell which copy is current");
        }
        if (newestAside > newest) {
            String where = setAside.entrySet().stream().filter(e -> e.getValue() == newestAside).map(Map.Entry::getKey).findFirst().orElseThrow();
            if (zooKeeper == 0 || claimed == newestAside) {
                return new Verdict(group, zooKeeper, journals, "restore", "the newest copy (sequence " + newestAside
                        + ") was set aside by Artemis in " + where + "; it is moved back and ZooKeeper set to " + newestAside, where, newestAside);
            }
            return new Verdict(group, zooKeeper, journals, "REFUSED", "ZooKeeper records " + claimed + " but the newest copy here (sequence "
                    + newestAside + ", set aside by Artemis in " + where + ") "
                    + (claimed > newestAside ? "is older: the newest copy is missing" : "is newer: cannot tell which copy is current"));
        }
        if (journals.isEmpty()) {
            return new Verdict(group, zooKeeper, journals, "REFUSED", "no journal of this group is readable here");
        }
        if (zooKeeper == 0) {
            return new Verdict(group, zooKeeper, journals, "repair", "ZooKeeper has no record; set to the newest journal's " + newest, null,
                    newest);
        }
        if (claimed > newest) {
            return new Verdict(group, zooKeeper, journals, "REFUSED", "ZooKeeper records " + claimed + ", newer than any journal here ("
                    + newest + "): the newest copy is missing");
        }
        return new Verdict(group, zooKeeper, journals, "REFUSED", "the journals (" + newest + ") are ahead of ZooKeeper (" + zooKeeper
                + "): cannot tell which copy is current");
    }

    /**
     * Moves a broker's set-aside copy ({@code oldreplica.N} of its journal, bindings, paging and large messages) back
     * into place. What is in place now is kept beside it in {@code junction-displaced-TIME}, never deleted.
     */
    static void moveBack(Path journalAside) throws IOException {
        Path brokerDir = journalAside.getParent().getParent();
        String copy = journalAside.getFileName().toString();
        String displacedName = "junction-displaced-" + System.currentTimeMillis();
        for (String sub : List.of("journal", "bindings", "paging", "large-messages")) {
            Path dir = brokerDir.resolve(sub);
            Path source = dir.resolve(copy);
            if (!Files.isDirectory(source)) {
                continue;
            }
            Path displaced = dir.resolve(displacedName);
            try (var entries = Files.list(dir)) {
                for (Path entry : entries.toList()) {
                    String name = entry.getFileName().toString();
                    if (!name.startsWith("oldreplica.") && !name.startsWith("junction-displaced-")) {
                        Files.createDirectories(displaced);
                        Files.move(entry, displaced.resolve(name));
                    }
                }
            }
            try (var entries = Files.list(source)) {
                for (Path entry : entries.toList()) {
                    Files.move(entry, dir.resolve(entry.getFileName()));
                }
            }
            Files.delete(source);
        }
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
            long sequence = ByteBuffer.wrap(Files.readAllBytes(file)).getLong(0);
            // Artemis writes -1 for "no sequence yet"
            return sequence < 0 ? OptionalLong.empty() : OptionalLong.of(sequence);
        } catch (IOException e) {
            throw CliFailure.failure("Cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * `cluster down`, moves the set-aside copies back into place while no broker runs, then `cluster up` (even if some
     * node had to be killed); the commands' output is kept unless they fail.
     */
    private void restart(List<Path> restores) throws IOException {
        List<String> failures = new ArrayList<>();
        for (String[] command : List.of(new String[] {"cluster", "down", "--data", data.toString()},
                new String[] {"cluster", "up", "--data", data.toString(), "--timeout", String.valueOf(timeoutSeconds)})) {
            if (command[1].equals("up")) {
                for (Path aside : restores) {
                    moveBack(aside);
                }
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = JunctionCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(command);
            if (code != 0) {
                failures.add("`junction " + String.join(" ", command) + "`: " + (out + " " + err).strip().replaceAll("\\s+", " ")
                        .replace("junction: ", ""));
            }
        }
        if (!failures.isEmpty()) {
            throw CliFailure.failure("Repaired ZooKeeper, but restarting the nodes failed: " + String.join("; ", failures));
        }
    }
}
