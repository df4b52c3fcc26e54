package io.junction.cli;

import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.GroupRecovery.Verdict;
import io.junction.cluster.ops.GroupRecovery;
import io.junction.cluster.ops.LocalCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
    @Mixin
    OutputOptions output;

    @Mixin
    ClusterDirectory data;

    @Option(names = "--dry-run", description = "Report what would be done, change nothing.")
    boolean dryRun;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "How long the restart may take to bring every group back (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Logging.quietClients();
        LocalCluster home = data.home();
        ClusterLayout layout = home.layout();
        List<Verdict> verdicts = GroupRecovery.examine(layout, id -> home.nodeDir(id).resolve("data"), dryRun);
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
     * `cluster down`, moves the set-aside copies back into place while no broker runs, then `cluster up` (even if some
     * node had to be killed); the commands' output is kept unless they fail.
     */
    private void restart(List<Path> restores) throws IOException {
        List<String> failures = new ArrayList<>();
        for (String[] command : List.of(new String[] {"cluster", "down", "--data", data.toString()},
                new String[] {"cluster", "up", "--data", data.toString(), "--timeout", String.valueOf(timeoutSeconds)})) {
            if (command[1].equals("up")) {
                for (Path aside : restores) {
                    GroupRecovery.moveBack(aside);
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
