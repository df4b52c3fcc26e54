package io.junction.cli;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.ClusterHealth;
import io.junction.cluster.ops.GroupStatus;
import io.junction.cluster.ops.LocalCluster;
import io.junction.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true, header = "Show each group's active broker, its backup, and ZooKeeper's health.",
        description = {"Per group: the node and broker that serve it, whether its backup is in sync (REPLICATED) or missing",
                "(UNPROTECTED: one copy of its messages), DOWN when no broker serves it (UNKNOWN when a broker did not",
                "answer in time), and the messages it holds.",
                "A passive backup does not listen, so it shows as passive while its node's ZooKeeper member answers.",
                "Exit code 0 when every group is replicated and ZooKeeper has a majority, 1 otherwise."},
        footer = {"", "Examples:", "  junction cluster status", "  junction cluster status --json",
                "  junction cluster status --config etc/cluster/node1.properties --credentials admin.credentials"})
final class ClusterStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Mixin
    ClusterDirectory data;

    @Option(names = "--config", paramLabel = "FILE", description = "Any node's configuration, for a cluster on other hosts.")
    Path config;

    @Option(names = "--credentials", paramLabel = "FILE", description = "Admin credentials file (default: DIR/cluster.json).")
    Path credentials;

    @Override
    public Integer call() {
        Logging.quietClients();
        LocalCluster home = data.home();
        ClusterLayout layout = config != null ? LocalCluster.layoutOf(config) : home.layout();
        Credentials admin = admin(home, layout);
        ClusterHealth.State state = ClusterHealth.probe(layout, admin.user(), admin.password());
        if (output.json) {
            output.result("", state.json());
        } else {
            print(state, layout, spec.commandLine().getOut());
        }
        return state.survivesAMemberLoss() && state.allReplicated() ? 0 : CliFailure.FAILURE;
    }

    /**
     * The environment's user and password (both set), else the --credentials file, else the one junction cluster up
     * wrote in DIR.
     */
    private Credentials admin(LocalCluster home, ClusterLayout layout) {
        Map<String, String> env = System.getenv();
        boolean bothSet = env.get(Credentials.USER_VARIABLE) != null && env.get(Credentials.PASSWORD_VARIABLE) != null;
        try {
            return Credentials.resolve(layout.clientUrl(), null, null, bothSet ? env : Map.of(),
                    () -> credentials != null ? Optional.of(Credentials.read(credentials)) : home.credentials(layout.members().size()))
                    .orElseThrow(() -> CliFailure.failure("No admin credentials: pass --credentials FILE, set JUNCTION_USER and JUNCTION_PASSWORD, "
                            + "or use the --data DIR of junction cluster up"));
        } catch (ConfigException e) {
            throw CliFailure.failure(e.getMessage());
        }
    }

    private void print(ClusterHealth.State state, ClusterLayout layout, PrintWriter out) {
        List<List<Object>> rows = new ArrayList<>();
        for (ClusterHealth.Group g : state.groups()) {
            String active = g.active().map(b -> "node " + b.node() + " (" + b.role() + ")").orElse("-");
            ClusterHealth.Broker standby = g.primary().active() ? g.backup() : g.primary();
            String other = "node " + standby.node() + " " + standby.role() + ": " + standby.state();
            rows.add(List.of(g.name(), g.status().name(), active, other, g.active().map(b -> (Object) b.messages()).orElse("-")));
        }
        output.table(List.of("GROUP", "STATUS", "ACTIVE", "OTHER BROKER", "MESSAGES"),
                List.of("group", "status", "active", "other", "messages"), rows);
        long serving = state.zooKeeper().stream().filter(ClusterHealth.ZooKeeper::serving).count();
        out.println();
        out.println("ZooKeeper: " + (state.quorum() ? "quorum" : "NO QUORUM (active brokers stop; see docs/ha.md)") + ", " + serving + " of "
                + state.zooKeeper().size() + " members serving ("
                + String.join(", ", state.zooKeeper().stream().map(z -> (layout.embeddedZooKeeper() ? "node " + z.node() : z.address()) + " " + z.mode()).toList()) + ")");
        if (state.quorum() && !state.survivesAMemberLoss()) {
            out.println("ZooKeeper would lose its majority with one more member: the loss of " + (layout.embeddedZooKeeper() ? "a node" : "a member")
                    + " would stop every broker until the members not serving are back.");
        }
        for (ClusterHealth.Group g : state.groups()) {
            if (g.status() == GroupStatus.UNPROTECTED) {
                out.println(g.name() + " is UNPROTECTED: it runs on one copy until its other broker is back in sync.");
            } else if (g.status() == GroupStatus.SPLIT) {
                out.println(g.name() + " has TWO active brokers: stop one at once and report this as a bug.");
            } else if (g.status() == GroupStatus.UNKNOWN) {
                out.println(g.name() + ": a broker did not answer in time; run status again.");
            } else if (g.status() == GroupStatus.DOWN) {
                out.println(g.name() + " is DOWN: no broker serves it; start the nodes that hold its data.");
            }
        }
        out.flush();
    }
}
