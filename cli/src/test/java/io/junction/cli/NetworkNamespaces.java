package io.junction.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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

    private NetworkNamespaces(String prefix, String subnet, int nodes) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.nodes = nodes;
    }

    /** Creates the namespaces, or returns the reason they cannot be created here. */
    static NetworkNamespaces create(int nodes) throws Exception {
        int id = ThreadLocalRandom.current().nextInt(1000, 9999);
        NetworkNamespaces net = new NetworkNamespaces("jn" + id, "10.231." + ThreadLocalRandom.current().nextInt(1, 250), nodes);
        try {
            net.setUp();
        } catch (Exception e) {
            net.close();
            throw e;
        }
        return net;
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
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }

    @Override
    public void close() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                run(undo.get(i));
            } catch (Exception e) {
                System.err.println("cleaning up network namespaces: " + e.getMessage());
            }
        }
    }
}
