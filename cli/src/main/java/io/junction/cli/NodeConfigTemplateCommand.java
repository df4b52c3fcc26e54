package io.junction.cli;

import io.junction.node.NodeConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "config-template", mixinStandardHelpOptions = true, header = "Print a node configuration file documenting every key and its default.",
        footer = {"", "Example:", "  junction node config-template > etc/node.properties"})
final class NodeConfigTemplateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(NodeConfig.template());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
