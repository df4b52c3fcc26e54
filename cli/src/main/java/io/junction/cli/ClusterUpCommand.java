package io.junction.cli;

import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.LocalCluster;
import io.junction.cluster.ops.NodeLauncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true, header = "Start a replicated cluster of node processes on this machine.",
        description = {"Creates DIR on the first run (one configuration per node, a shared cluster secret), starts every node that",
                "is not running, waits until each group's primary is active and its backup in sync (a restarted",
                "primary first resynchronises and takes its group back), and writes the",
                "connection URL and the admin credentials to DIR/cluster.json (readable only by you).",
                "Node N listens on 127.0.0.1, ports BASE+10N (primary broker), +1 (backup broker), +2 (ZooKeeper clients),",
                "+3 and +4 (ZooKeeper peers): with the default base, node 1 uses 61710-61714. Logs go to DIR/nodeN/node.log.",
                "Run it again to restart nodes that stopped; `junction cluster down` stops them all."},
        footer = {"", "Examples:", "  junction cluster up", "  junction cluster up --data /var/tmp/junction --base-port 62000",
                "  junction send --credentials cluster/admin.credentials --to metrics --count 10"})
final class ClusterUpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Mixin
    ClusterDirectory data;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Nodes in a new cluster, 3 to 9 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "" + LocalCluster.DEFAULT_BASE_PORT,
            description = "Base of the ports of a new cluster (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "512m", description = "Heap of each node process (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "How long to wait for every group to be replicated (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (nodes < 3 || nodes > 9) {
            throw CliFailure.usage("Invalid value " + nodes + " for option '--nodes': a cluster has 3 to 9 nodes");
        }
        if (basePort < 1024 || basePort + 10 * nodes + 4 > 65535) {
            throw CliFailure.usage("Invalid value " + basePort + " for option '--base-port': the ports BASE+10 to BASE+" + (10 * nodes + 4)
                    + " must lie between 1024 and 65535");
        }
        if (!heap.matches("[0-9]+[kKmMgG]")) {
            throw CliFailure.usage("Invalid value " + heap + " for option '--heap': use a JVM size such as 512m or 1g");
        }
        Logging.quietClients();
        LocalCluster home = data.home();
        if (!home.exists()) {
            LocalCluster.ephemeralOverlap(basePort, nodes).ifPresent(w -> spec.commandLine().getErr().println("junction: warning: " + w));
            home.create(nodes, "127.0.0.1", basePort);
        }
        ClusterLayout layout = home.layout();
        NodeLauncher launcher = new NodeLauncher(home);
        List<Integer> started = new ArrayList<>();
        for (ClusterLayout.Member m : layout.members()) {
            if (home.process(m.id()).isEmpty()) {
                launcher.start(m.id(), heap, JunctionCli.class.getName(), List.of("node", "start", "--config", home.config(m.id()).toString()));
                started.add(m.id());
            }
        }
        Credentials admin = launcher.awaitReplicated(layout, started, Duration.ofSeconds(timeoutSeconds), "junction cluster status --data " + data);
        home.writeClusterFile(layout, admin);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cluster", home.clusterFile().toString());
        json.put("url", ClientUrls.redacted(layout.clientUrl()));
        json.put("user", admin.user());
        json.put("started", started);
        output.result("Cluster of " + layout.members().size() + " nodes is up and every group is replicated"
                + (started.isEmpty() ? " (all nodes were already running)." : " (started node" + (started.size() > 1 ? "s " : " ")
                + String.join(", ", started.stream().map(String::valueOf).toList()) + ").")
                + "\n  url:      " + ClientUrls.redacted(layout.clientUrl())
                + "\n  user:     " + admin.user() + " (password in " + home.clusterFile() + ")"
                + "\n  CLI:      junction send --credentials " + home.credentialsFile() + " --to ADDRESS ..."
                + "\n  logs:     " + home.dir() + "/nodeN/node.log"
                + "\nTry: junction cluster status --data " + data, json);
        return 0;
    }
}
