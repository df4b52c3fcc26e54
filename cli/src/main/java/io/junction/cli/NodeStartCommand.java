package io.junction.cli;

import io.junction.client.Json;
import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ClusterNode;
import io.junction.config.Config;
import io.junction.node.JunctionNode;
import io.junction.node.NodeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true, header = "Start a node in the foreground; Ctrl-C or SIGTERM stops it cleanly.",
        description = {"Without --config the node uses the built-in defaults: data under ./data, listening on 127.0.0.1 only.",
                "On the first start it creates the admin user, prints its password once and saves it to DATA/admin.credentials."},
        footer = {"", "Examples:", "  junction node start", "  junction node start --config etc/node.properties"})
final class NodeStartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Node configuration file (see etc/node.properties).")
    Path config;

    @Option(names = "--json", description = "Print the start-up banner as one JSON object per line (never a password), for a supervisor to read.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Config settings = config == null ? NodeConfig.defaults(Map.of()) : NodeConfig.load(config);
        if (settings.get(NodeConfig.CLUSTER_NODE_ID) != 0) {
            return runClusterNode(settings);
        }
        JunctionNode node = JunctionNode.create(settings);
        // registered before start, so that Ctrl-C during journal load still stops the broker cleanly
        CountDownLatch stopped = closeOnSignal(node, "node " + node.name());
        node.start();
        if (json) {
            jsonBanner(node, spec.commandLine().getOut());
        } else {
            banner(node, spec.commandLine().getOut());
        }
        stopped.await();
        return 0;
    }

    private int runClusterNode(Config settings) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ClusterNode node = ClusterNode.start(settings);
        CountDownLatch stopped = closeOnSignal(node, "cluster node " + node.layout().self());
        ClusterLayout layout = node.layout();
        Path credentials = node.dataDirectory().resolve(Credentials.FILE_NAME);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clusterNode", layout.self());
            m.put("nodes", layout.members().size());
            m.put("data", node.dataDirectory().toString());
            m.put("primary", ordered("url", layout.me().brokerUrl(), "group", ClusterLayout.group(layout.me())));
            m.put("backup", ordered("url", layout.me().backupUrl(), "group", ClusterLayout.group(layout.previous())));
            m.put("zooKeeper", ordered("connect", layout.embeddedZooKeeper() ? layout.me().zooKeeperAddress() : layout.zooKeeper(),
                    "embedded", layout.embeddedZooKeeper()));
            m.put("connect", ClientUrls.redacted(node.clientUrl()));
            out.println(Json.write(m));
        } else {
            out.println("Junction cluster node " + layout.self() + " of " + layout.members().size() + " is running.");
            out.printf("  %-10s%s%n", "data:", node.dataDirectory());
            out.printf("  %-10s%s (group %s)%n", "primary:", layout.me().brokerUrl(), ClusterLayout.group(layout.me()));
            out.printf("  %-10s%s (group %s)%n", "backup:", layout.me().backupUrl(), ClusterLayout.group(layout.previous()));
            out.printf("  %-10s%s%n", "zookeeper:", layout.embeddedZooKeeper() ? layout.me().zooKeeperAddress() + " (this node's member)"
                    : layout.zooKeeper() + " (external)");
            out.printf("  %-10s%s%n", "connect:", ClientUrls.redacted(node.clientUrl()));
            out.println("Its brokers become active once a majority of the nodes runs. Press Ctrl-C to stop.");
        }
        out.flush();
        node.admin().thenAccept(created -> created.ifPresent(admin -> {
            if (json) {
                out.println(Json.write(Map.of("adminCreated", ordered("user", admin.user(), "credentials", credentials.toString()))));
            } else {
                createdAdmin(out, "the cluster's admin user", admin, credentials, "with --credentials");
            }
            out.flush();
        }));
        stopped.await();
        return 0;
    }

    /** Ctrl-C or SIGTERM closes {@code node}; the returned latch opens once it has. */
    private static CountDownLatch closeOnSignal(AutoCloseable node, String name) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("junction: error while stopping " + name + ": " + e.getMessage());
            } finally {
                stopped.countDown();
                Logging.shutdown();
            }
        }, "junction-node-shutdown"));
        return stopped;
    }

    /**
     * Tells where the first admin's password is. It is shown only on an interactive terminal, never on an output that
     * may be a log (systemd's journal, a file): there the file is named instead.
     */
    private static void createdAdmin(PrintWriter out, String who, Credentials admin, java.nio.file.Path file, String used) {
        out.println();
        if (Terminal.interactive()) {
            out.println("Created " + who + " '" + admin.user() + "' with password: " + admin.password());
            out.println("This is shown once. It is saved in " + file + " (readable only by you), which the junction CLI uses " + used + ".");
        } else {
            out.println("Created " + who + " '" + admin.user() + "'. Its password is in " + file + " (readable only by you), which the junction CLI"
                    + " uses " + used + "; it is shown only on an interactive terminal.");
        }
    }

    /** Two keys and their values, in this order (JSON read by people and compared by scripts keeps one order). */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /** The banner as one JSON object; the first admin's password is never in it, only the file that holds it. */
    private static void jsonBanner(JunctionNode node, PrintWriter out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node.name());
        m.put("journal", node.journalDescription());
        m.put("data", node.dataDirectory().toString());
        Map<String, String> acceptors = new LinkedHashMap<>();
        node.acceptorUrls().forEach(a -> acceptors.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1)));
        m.put("acceptors", acceptors);
        m.put("connect", ClientUrls.redacted(node.connectUrl()));
        node.createdAdmin().ifPresent(admin -> m.put("adminCreated", ordered("user", admin.user(), "credentials", node.credentialsFile().toString())));
        out.println(Json.write(m));
        out.flush();
    }

    private static void banner(JunctionNode node, PrintWriter out) {
        out.println("Junction node " + node.name() + " is running.");
        out.printf("  %-9s%s%n", "journal:", node.journalDescription());
        out.printf("  %-9s%s%n", "data:", node.dataDirectory());
        node.acceptorUrls().forEach(a -> out.printf("  %-9s%s%n", a.substring(0, a.indexOf('=')) + ":", a.substring(a.indexOf('=') + 1)));
        out.printf("  %-9s%s%n", "connect:", ClientUrls.redacted(node.connectUrl()));
        node.createdAdmin().ifPresent(admin -> createdAdmin(out, "the admin user", admin, node.credentialsFile(), "by default"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}
