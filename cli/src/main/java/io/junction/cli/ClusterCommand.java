package io.junction.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true, header = "Run and inspect a three-node replicated cluster.",
        description = {"Each node runs a ZooKeeper member, the primary broker of its group and the backup of the previous node's group.",
                "`up`, `down` and `status` manage a cluster of node processes on this machine (see docs/ha.md);",
                "`status --config` also inspects a cluster on real hosts; `recover` repairs groups that cannot activate."},
        subcommands = {ClusterUpCommand.class, ClusterDownCommand.class, ClusterStatusCommand.class, ClusterRecoverCommand.class,
                ClusterSecretCommand.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
