package io.junction.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "node", mixinStandardHelpOptions = true, header = "Run and inspect a Junction node.",
        subcommands = {NodeStartCommand.class, NodeConfigTemplateCommand.class})
final class NodeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
