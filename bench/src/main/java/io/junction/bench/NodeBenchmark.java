package io.junction.bench;

import io.junction.client.Credentials;
import io.junction.node.NodeConfig;
import jakarta.jms.ConnectionFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * bench/node: one node on this machine. Prints Markdown for docs/benchmarks.md: the disk's sync rate, a sweep of
 * journal settings (CORE, 1 + 1 and 4 + 4 clients), then CORE and AMQP with 1+1 and 4+4 clients and with 100 confirmed
 * sends in flight, on the default configuration.
 */
public final class NodeBenchmark {
    private NodeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        // a third argument runs only the default-configuration cases whose name contains it, without the disk and the sweep
        String only = args.length > 2 ? args[2] : null;
        Path home = Path.of(System.getProperty("junction.home", ".")).toAbsolutePath().normalize();
        Path launcher = home.resolve("bin/junction");
        Path work = home.resolve("bench/target/work-" + System.currentTimeMillis());
        Files.createDirectories(work);

        System.out.println("## bench/node, " + Instant.now());
        System.out.println();
        System.out.println(MachineFacts.describe(work));
        System.out.printf("Command: `bench/node %s %s%s` (seconds measured per case, warm-up seconds before it).%n%n", fmt(seconds), fmt(warmup),
                only == null ? "" : " '" + only + "'");
        if (only == null) {
            diskAndJournalSweep(launcher, work, seconds, warmup);
        }
        defaults(launcher, work, seconds, warmup, only);
    }

    private static void diskAndJournalSweep(Path launcher, Path work, double seconds, double warmup) throws Exception {
        DiskSyncProbe.Result disk = DiskSyncProbe.run(work, 5);
        System.out.println("### Disk: append 1 KiB + fdatasync, one at a time, 5 s");
        System.out.println();
        System.out.println("| syncs/s | p50 µs | p99 µs | p99.9 µs |");
        System.out.println("|---:|---:|---:|---:|");
        Histogram h = disk.latencyMicros();
        System.out.printf("| %.0f | %d | %d | %d |%n%n", disk.opsPerSecond(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9));

        System.out.println("### Journal settings: CORE, durable 1 KiB, each send confirmed before the next");
        System.out.println();
        header("journal, buffer timeout, clients");
        Map<String, Map<String, String>> sweep = new LinkedHashMap<>();
        for (String timeout : List.of("500us", "100us", "20us", "1us")) {
            sweep.put("AIO, " + timeout, Map.of("journal.type", "aio", "journal.buffer-timeout", timeout));
        }
        for (String timeout : List.of("3333us", "200us", "20us")) {
            sweep.put("NIO, " + timeout, Map.of("journal.type", "nio", "journal.buffer-timeout", timeout));
        }
        int n = 0;
        for (Map.Entry<String, Map<String, String>> e : sweep.entrySet()) {
            NodeProcess node;
            try {
                node = NodeProcess.start(launcher, work.resolve("sweep-" + n++), e.getValue());
            } catch (IllegalStateException notAvailable) {
                System.out.println("| " + e.getKey() + " | not available on this machine (see its node.log) | | | | | | |");
                continue;
            }
            try (node; ActiveMQConnectionFactory factory = core(node, false)) {
                for (int clients : new int[] {1, 4}) {
                    row(e.getKey() + ", " + clients + "+" + clients,
                            LoadRun.run(factory, "bench.sweep" + clients, clients, clients, 1, warmup, Math.min(seconds, 10)));
                }
            }
        }
        System.out.println();
    }

    private static void defaults(Path launcher, Path work, double seconds, double warmup, String only) throws Exception {
        System.out.println("### Default node configuration: durable 1 KiB messages, sends confirmed by the broker");
        System.out.println();
        try (NodeProcess node = NodeProcess.start(launcher, work.resolve("defaults"), Map.of())) {
            System.out.println("Node: " + node.journalLine() + ", buffer timeout " + NodeConfig.JOURNAL_BUFFER_TIMEOUT.defaultValue() + ".");
            System.out.println();
            header("protocol, clients, confirmed sends in flight per producer");
            record Case(String name, ConnectionFactory factory, int clients, int inFlight) {
            }
            Credentials admin = Credentials.read(node.dataDir.resolve(Credentials.FILE_NAME));
            List<Case> cases = List.of(
                    new Case("CORE, 1 producer + 1 consumer, 1 in flight", core(node, false), 1, 1),
                    new Case("CORE, 4 producers + 4 consumers, 1 in flight", core(node, false), 4, 1),
                    new Case("CORE, 1 producer + 1 consumer, 100 in flight", core(node, true), 1, 100),
                    new Case("AMQP, 1 producer + 1 consumer, 1 in flight", amqp(node), 1, 1),
                    new Case("AMQP, 4 producers + 4 consumers, 1 in flight", amqp(node), 4, 1),
                    new Case("AMQP, 1 producer + 1 consumer, 100 in flight", amqp(node), 1, 100));
            int q = 0;
            for (Case c : cases) {
                if (only == null || c.name().contains(only)) {
                    row(c.name(), LoadRun.run(c.factory(), "bench.q" + q, c.clients(), c.clients(), c.inFlight(), warmup, seconds));
                }
                q++;
                if (c.factory() instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
            String proton = "AMQP (protonj2 client), 1 producer + 1 consumer, 100 in flight";
            if (only == null || proton.contains(only)) {
                row(proton, ProtonLoadRun.run("127.0.0.1", node.amqpPort, admin.user(), admin.password(), "bench.q" + q, 100, warmup, seconds));
            }
        }
    }

    /** With {@code confirmed}, asynchronous sends complete only on the broker's acknowledgement (confirmation window). */
    private static ActiveMQConnectionFactory core(NodeProcess node, boolean confirmed) throws Exception {
        Credentials admin = Credentials.read(node.dataDir.resolve(Credentials.FILE_NAME));
        String url = "tcp://127.0.0.1:" + node.mainPort + (confirmed ? "?confirmationWindowSize=1048576" : "");
        return admin.at(url).factory();
    }

    private static ConnectionFactory amqp(NodeProcess node) throws Exception {
        Credentials admin = Credentials.read(node.dataDir.resolve(Credentials.FILE_NAME));
        return new JmsConnectionFactory(admin.user(), admin.password(), "amqp://127.0.0.1:" + node.amqpPort);
    }

    private static void header(String first) {
        System.out.println("| " + first + " | sent msg/s | received msg/s | send p50 µs | p99 µs | p99.9 µs | max µs | errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    }

    private static void row(String name, LoadRun.Result r) {
        Histogram h = r.sendLatencyMicros();
        System.out.printf("| %s | %.0f | %.0f | %d | %d | %d | %d | %d |%n", name, r.sentPerSecond(), r.receivedPerSecond(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), r.errors());
        System.out.flush();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
