package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.cluster.ops.OperationFailed;
import io.junction.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The {@code junction} command: the root of every subcommand, and the one factory that wires error handling. */
@Command(name = "junction", mixinStandardHelpOptions = true, versionProvider = JunctionCli.Version.class,
        header = "Junction: a replicated, multi-tenant message bus for network monitoring.",
        subcommands = {NodeCommand.class, ClusterCommand.class, TenantCommand.class, UserCommand.class, DeviceCommand.class, PollerCommand.class, TrapsCommand.class, ConsumersCommand.class, StatusCommand.class, EventsCommand.class, MaintenanceCommand.class, NotificationsCommand.class, MetricsCommand.class, ChartCommand.class, SimulateCommand.class, SendCommand.class, ReceiveCommand.class, QueuesCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (connection, login, configuration, timeout)", "2:usage error (bad option or value)", "3:junction status: a device down or unknown"})
public final class JunctionCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-x", "--stacktrace"}, scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    boolean stacktrace;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new JunctionCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean trace = hasStacktraceFlag(parseResult);
            PrintWriter e = commandLine.getErr();
            if (trace) {
                ex.printStackTrace(e);
            }
            int code;
            if (ex instanceof CliFailure failure) {
                e.println("junction: " + failure.getMessage());
                code = failure.exitCode();
            } else if (ex instanceof ConfigException || ex instanceof OperationFailed) {
                e.println("junction: " + ex.getMessage());
                code = CliFailure.FAILURE;
            } else {
                e.println("junction: " + describe(ex) + (trace ? "" : " (run with -x for the stack trace)"));
                code = CliFailure.FAILURE;
            }
            e.flush();
            return code;
        });
        return cli;
    }

    /** The failure's own message, followed by its root cause when that says something more. */
    static String describe(Throwable ex) {
        String own = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        String root = ClientErrors.rootMessage(ex);
        return own.contains(root) ? own : own + ": " + root;
    }

    private static boolean hasStacktraceFlag(CommandLine.ParseResult result) {
        for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--stacktrace")) {
                return true;
            }
        }
        return false;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"junction " + VersionCommand.junctionVersion()};
        }
    }
}
