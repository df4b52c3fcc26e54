package io.junction.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One network namespace per node, each joined by a veth pair to a bridge in the test's own namespace, so that the
 * test reaches every node while the nodes can be cut off from each other with blackhole routes. Needs root (CI runs
 * as root); {@link #create} says why when it cannot.
 */
final class NetworkNamespaces implements AutoCloseable {
    private final String prefix;
    private final String subnet;
    private final int nodes;
    private final List<String[]> undo = new ArrayList<>();
    /** Cleans up if the test's JVM is stopped (Maven interrupted, a fork timed out) before {@link #close}. */
    private final Thread onExit = new Thread(this::undo, "network-namespaces-cleanup");

    private NetworkNamespaces(String prefix, String subnet, int nodes) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.nodes = nodes;
    }

    /**
     * Creates the namespaces, or returns the reason they cannot be created here. The subnet is one that no interface
     * of this machine has: a second route to a subnet in use (a bridge left by a run that was killed, whose route
     * stays even with the bridge down) would send the test's traffic to the wrong interface, and no node would be
     * reachable (seen in CI: every broker and ZooKeeper member "down" while the nodes logged themselves healthy).
     */
    static NetworkNamespaces create(int nodes) throws Exception {
        removeLeftovers();
        Set<String> used = usedSubnets();
        List<Integer> free = new ArrayList<>();
        for (int i = 1; i < 250; i++) {
            if (!used.contains("10.231." + i)) {
                free.add(i);
            }
        }
        if (free.isEmpty()) {
            throw new IOException("every subnet 10.231.1-249.0/24 is in use on this machine");
        }
        int id = ThreadLocalRandom.current().nextInt(1000, 9999);
        String subnet = "10.231." + free.get(ThreadLocalRandom.current().nextInt(free.size()));
        NetworkNamespaces net = new NetworkNamespaces("jn" + id, subnet, nodes);
        Runtime.getRuntime().addShutdownHook(net.onExit);
        try {
            net.setUp();
        } catch (Exception e) {
            net.close();
            throw e;
        }
        return net;
    }

    /** The first three octets of every IPv4 address on this machine's interfaces. */
    private static Set<String> usedSubnets() throws IOException, InterruptedException {
        Set<String> used = new HashSet<>();
        Matcher m = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+)\\.").matcher(output("ip", "-o", "-4", "addr", "show"));
        while (m.find()) {
            used.add(m.group(1));
        }
        return used;
    }

    /**
     * Deletes the bridges of earlier runs that were killed before they cleaned up: named like ours, with no port
     * left and no namespace of theirs (a live run's bridge has its namespaces from the moment after it is made).
     */
    private static void removeLeftovers() throws IOException, InterruptedException {
        String namespaces = output("ip", "netns", "list");
        Matcher m = Pattern.compile("^\\d+: (jn\\d{4})br[:@]", Pattern.MULTILINE).matcher(output("ip", "-o", "link", "show", "type", "bridge"));
        while (m.find()) {
            String prefix = m.group(1);
            String[] ports = new java.io.File("/sys/class/net/" + prefix + "br/brif").list();
            if ((ports == null || ports.length == 0) && !namespaces.contains(prefix + "n")) {
                System.err.println("network namespaces: deleting " + prefix + "br, left by an earlier run");
                run("ip", "link", "del", prefix + "br");
            }
        }
    }

    private void setUp() throws Exception {
        String bridge = prefix + "br";
        run("ip", "link", "add", bridge, "type", "bridge");
        undo.add(new String[] {"ip", "link", "del", bridge});
        run("ip", "addr", "add", subnet + ".254/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        for (int n = 1; n <= nodes; n++) {
            String ns = namespace(n);
            String veth = prefix + "v" + n;
            run("ip", "netns", "add", ns);
            undo.add(new String[] {"ip", "netns", "del", ns});
            run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
            run("ip", "link", "set", veth, "master", bridge, "up");
            run("ip", "netns", "exec", ns, "ip", "addr", "add", address(n) + "/24", "dev", "eth0");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        }
    }

    String namespace(int node) {
        return prefix + "n" + node;
    }

    String address(int node) {
        return subnet + "." + node;
    }

    /** Cuts {@code node} off from every other node (both directions); the test still reaches it. */
    void isolate(int node) throws Exception {
        routes(node, "add");
    }

    void heal(int node) throws Exception {
        routes(node, "del");
    }

    private void routes(int node, String action) throws Exception {
        for (int other = 1; other <= nodes; other++) {
            if (other != node) {
                run("ip", "netns", "exec", namespace(node), "ip", "route", action, "blackhole", address(other) + "/32");
                run("ip", "netns", "exec", namespace(other), "ip", "route", action, "blackhole", address(node) + "/32");
            }
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        output(command);
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook does the cleanup
            return;
        }
        undo();
    }

    private synchronized void undo() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                run(undo.get(i));
            } catch (Exception e) {
                System.err.println("cleaning up network namespaces: " + e.getMessage());
            }
        }
        undo.clear();
    }
}
