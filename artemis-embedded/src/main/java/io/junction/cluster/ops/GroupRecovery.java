package io.junction.cluster.ops;

import io.junction.cluster.ClusterLayout;
import io.junction.cluster.GroupSettings;
import io.junction.cluster.ZooKeeperAuth;
import io.junction.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.retry.RetryNTimes;

/**
 * A cluster's groups that cannot activate because ZooKeeper lost its record of their activation sequence: each
 * group's sequence in ZooKeeper set beside its journals' ({@link #judge}), repaired in ZooKeeper where that is safe
 * ({@link #examine}), and a copy Artemis set aside moved back ({@link #moveBack}). {@code junction cluster recover}
 * renders the verdicts and restarts the nodes.
 */
public final class GroupRecovery {
    /** The file in a broker's journal directory that holds its activation sequence. */
    public static final String SEQUENCE_FILE = "server.activation.sequence";

    private GroupRecovery() {
    }

    /** One group's verdict. */
    public record Verdict(String group, long zooKeeper, Map<String, Long> journals, String action, String detail, String restoreFrom,
                   long target) {
        Verdict(String group, long zooKeeper, Map<String, Long> journals, String action, String detail) {
            this(group, zooKeeper, journals, action, detail, null, zooKeeper);
        }

        public boolean changes() {
            return action.equals("repair") || action.equals("restore");
        }
    }

    /**
     * Judges every group of {@code layout} from ZooKeeper and the journals under each node's data directory
     * ({@code nodeData}, by node id) and, unless {@code dryRun}, sets ZooKeeper's sequence of each group to repair or
     * restore. Throws a one-line {@link ConfigException} when ZooKeeper does not answer or changes under it.
     */
    public static List<Verdict> examine(ClusterLayout layout, IntFunction<Path> nodeData, boolean dryRun) throws Exception {
        List<Verdict> verdicts = new ArrayList<>();
        try (AutoCloseable login = layout.embeddedZooKeeper() ? ZooKeeperAuth.login(layout.secret()) : () -> { };
                CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(layout.zooKeeper()).namespace(GroupSettings.LOCK_NAMESPACE)
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryNTimes(3, 500)).build()) {
            zk.start();
            if (!zk.blockUntilConnected(15, TimeUnit.SECONDS)) {
                throw new ConfigException("ZooKeeper at " + layout.zooKeeper() + " does not answer: start the nodes first (junction cluster up "
                        + "waits for them; Ctrl-C it once they run) and run recover again");
            }
            int n = layout.members().size();
            for (ClusterLayout.Member m : layout.members()) {
                String group = ClusterLayout.group(m);
                Map<String, Long> journals = new LinkedHashMap<>();
                Map<String, Long> setAside = new LinkedHashMap<>();
                Path primaryDir = nodeData.apply(m.id()).resolve(group + "-primary");
                int next = m.id() % n + 1;
                Path backupDir = nodeData.apply(next).resolve(group + "-backup");
                journal(primaryDir).ifPresent(s -> journals.put("node " + m.id() + " primary", s));
                journal(backupDir).ifPresent(s -> journals.put("node " + next + " backup", s));
                setAside.putAll(setAside(primaryDir));
                setAside.putAll(setAside(backupDir));
                DistributedAtomicLong sequence = new DistributedAtomicLong(zk, "/" + group + "/activation-sequence", new RetryNTimes(3, 200));
                AtomicValue<Long> current = sequence.get();
                if (!current.succeeded()) {
                    throw new ConfigException("Cannot read " + group + "'s activation sequence from ZooKeeper");
                }
                Verdict v = judge(group, current.postValue(), journals, setAside);
                if (v.changes() && !dryRun && v.target() != current.postValue()) {
                    // ZooKeeper first: a restored journal then matches it when its broker starts, instead of being set
                    // aside again as stale. Only from the value judged: if a broker changed it meanwhile, judge again.
                    // a lost record has no ZooKeeper node at all, which only initialize() creates
                    boolean set = current.postValue() == 0 && sequence.initialize(v.target())
                            || sequence.compareAndSet(current.postValue(), v.target()).succeeded();
                    if (!set) {
                        throw new ConfigException(group + "'s activation sequence changed in ZooKeeper while recover ran; run it again");
                    }
                }
                verdicts.add(v);
            }
        }
        return verdicts;
    }

    /**
     * What to do for one group, from ZooKeeper's sequence (a negative one is an increment under way), the journals in
     * place, and the copies Artemis set aside ({@code oldreplica.N}) when a broker found its journal stale.
     */
    public static Verdict judge(String group, long zooKeeper, Map<String, Long> journals, Map<String, Long> setAside) {
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
    public static void moveBack(Path journalAside) throws IOException {
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
            throw new ConfigException("Cannot list " + journalDir + ": " + e.getMessage());
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
            throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
        }
    }
}
