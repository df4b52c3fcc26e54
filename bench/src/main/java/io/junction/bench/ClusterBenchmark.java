package io.junction.bench;

import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * bench/cluster: the replicated three-node cluster against a single node on this machine, in one run. Prints
 * Markdown for docs/benchmarks.md: durable 1 KiB messages through one group (its active broker replicating to its
 * backup on another node) and through a single non-replicated node, their ratio, then failover times over repeated
 * kill -9 of a node, from the kill to the acknowledgement of the first send begun after it.
 */
public final class ClusterBenchmark {
    private static final int BASE_PORT = 63000;

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        int kills = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        Path home = Path.of(System.getProperty("junction.home", ".")).toAbsolutePath().normalize();
        Path launcher = home.resolve("bin/junction");
        Path work = home.resolve("bench/target/cluster-" + System.currentTimeMillis());
        Files.createDirectories(work);

        System.out.println("## bench/cluster, " + Instant.now());
        System.out.println();
        System.out.println(MachineFacts.describe(work));
        System.out.printf("Command: `%sbench/cluster %s %s %d` (seconds measured per case, warm-up seconds, kills).%n%n",
                System.getenv().getOrDefault("JUNCTION_OPTS", "").isBlank() ? "" : "JUNCTION_OPTS='" + System.getenv("JUNCTION_OPTS") + "' ",
                fmt(seconds), fmt(warmup), kills);

        List<Case> cases = List.of(new Case("1 producer + 1 consumer, 1 in flight", 1, 1), new Case("4 producers + 4 consumers, 1 in flight", 4, 1),
                new Case("1 producer + 1 consumer, 100 in flight", 1, 100));
        List<LoadRun.Result> single = new ArrayList<>();
        try (NodeProcess node = NodeProcess.start(launcher, work.resolve("single"), Map.of())) {
            Credentials admin = Credentials.read(node.dataDir.resolve(Credentials.FILE_NAME));
            for (Case c : cases) {
                String url = "tcp://127.0.0.1:" + node.mainPort + (c.inFlight() > 1 ? "?confirmationWindowSize=1048576" : "");
                try (ActiveMQConnectionFactory f = admin.at(url).factory()) {
                    single.add(LoadRun.run(f, "bench.single" + single.size(), c.clients(), c.clients(), c.inFlight(), warmup, seconds));
                }
            }
        }

        Path cluster = work.resolve("cluster");
        cli(launcher, "cluster", "up", "--data", cluster.toString(), "--base-port", String.valueOf(BASE_PORT));
        try {
            Credentials admin = Credentials.read(cluster.resolve(Credentials.FILE_NAME));
            System.out.println("### Durable 1 KiB messages, CORE, sends confirmed: one group of the cluster against a single node");
            System.out.println();
            System.out.println("Cluster: `junction cluster up` (three node processes, 512 MiB heap each); the clients use group g1's URL "
                    + "(its primary on node 1, replicating synchronously to its backup on node 2). Single node: `junction node start`, "
                    + "default configuration, no replication.");
            System.out.println();
            System.out.println("| case | single msg/s | cluster msg/s | ratio | single p50/p99/p99.9 µs | cluster p50/p99/p99.9 µs | errors |");
            System.out.println("|---|---:|---:|---:|---|---|---:|");
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                String url = groupUrl(1) + (c.inFlight() > 1 ? "&confirmationWindowSize=1048576" : "");
                LoadRun.Result r;
                try (ActiveMQConnectionFactory f = admin.at(url).factory()) {
                    r = LoadRun.run(f, "bench.cluster" + i, c.clients(), c.clients(), c.inFlight(), warmup, seconds);
                }
                LoadRun.Result s = single.get(i);
                System.out.printf("| %s | %.0f | %.0f | %.2f | %s | %s | %d |%n", c.name(), s.sentPerSecond(), r.sentPerSecond(),
                        r.sentPerSecond() / s.sentPerSecond(), percentiles(s.sendLatencyMicros()), percentiles(r.sendLatencyMicros()),
                        s.errors() + r.errors());
                System.out.flush();
            }
            System.out.println();

            fenceCost(launcher, cluster, admin, cases.get(0), cases.get(2), warmup, seconds);

            System.out.println("### Failover: kill -9 of a node under a durable load on its group");
            System.out.println();
            System.out.println("A producer sends durable 1 KiB messages, one at a time with a duplicate-detection id and retries, to the "
                    + "group whose primary runs on the node about to be killed. Failover is the time from the kill to the "
                    + "acknowledgement of the first send begun after it; recovery is `junction cluster up` restarting the node "
                    + "until every group is back on its primary and replicated.");
            System.out.println();
            System.out.println("| kill | node | ZooKeeper leader before | failover s | retried sends | recovery s |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            List<Double> failovers = new ArrayList<>();
            for (int k = 1; k <= kills; k++) {
                int node = (k - 1) % 3 + 1;
                String leader = zooKeeperLeader(launcher, cluster);
                Kill result = kill(cluster, node, admin);
                long restart = System.nanoTime();
                cli(launcher, "cluster", "up", "--data", cluster.toString());
                double recovery = (System.nanoTime() - restart) / 1e9;
                failovers.add(result.failoverSeconds);
                System.out.printf("| %d | %d | %s | %.2f | %d | %.1f |%n", k, node, leader, result.failoverSeconds, result.retries, recovery);
                System.out.flush();
            }
            Collections.sort(failovers);
            System.out.println();
            if (!failovers.isEmpty()) {
                System.out.printf("Failover over %d kills: min %.2f s, median %.2f s, max %.2f s.%n%n", failovers.size(), failovers.get(0),
                        median(failovers), failovers.get(failovers.size() - 1));
            }
        } finally {
            cli(launcher, "cluster", "down", "--data", cluster.toString());
        }
    }

    private record Kill(double failoverSeconds, long retries) {
    }

    private record Case(String name, int clients, int inFlight) {
    }

    /**
     * Group g1 alone: kill -9 the node of its backup (node 2) under a durable load on g1, then run the replicated cases
     * again. Every send g1 acknowledges alone waits for a proof that it is still the group's active broker (the fence).
     */
    private static void fenceCost(Path launcher, Path cluster, Credentials admin, Case oneInFlight, Case hundredInFlight, double warmup,
                                  double seconds) throws Exception {
        // the nodes get the fence setting from JUNCTION_OPTS, through bin/junction and `cluster up`; it is on by default
        boolean fenced = !System.getenv().getOrDefault("JUNCTION_OPTS", "").contains("junction.fence=off");
        System.out.println("### Group g1 alone once its backup's node is killed (fence " + (fenced ? "on" : "off") + ")");
        System.out.println();
        System.out.println("A producer sends durable 1 KiB messages one at a time to g1 while node 2, which holds g1's backup, is killed. "
                + (fenced ? "From then on g1's primary acknowledges a send only after proving through ZooKeeper that it is still the group's "
                + "active broker, once it has raised the activation sequence above the backup's." : "Without the fence g1's primary then "
                + "acknowledges alone without any proof.") + " Then the load cases run on g1 alone.");
        System.out.println();
        List<long[]> sends = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (ActiveMQConnectionFactory f = admin.at(groupUrl(1)).factory();
                 Connection c = f.createConnection()) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = session.createProducer(session.createQueue("bench.fence"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                ReliableSender sender = new ReliableSender(p, java.time.Duration.ofSeconds(60));
                while (running.get()) {
                    var m = session.createBytesMessage();
                    m.writeBytes(new byte[1024]);
                    long start = System.nanoTime();
                    sender.send(m);
                    sends.add(new long[] {start, System.nanoTime()});
                }
            } catch (Exception e) {
                System.err.println("fence producer: " + e);
            }
        });
        producer.start();
        Thread.sleep(3_000);
        long pid = Long.parseLong(Files.readString(cluster.resolve("node2").resolve("node.pid")).trim());
        ProcessHandle node2 = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("node 2 is not running"));
        long killedAt = System.nanoTime();
        node2.destroyForcibly();
        node2.onExit().get(30, TimeUnit.SECONDS);
        Thread.sleep(5_000);
        running.set(false);
        producer.join(90_000);
        List<long[]> after;
        synchronized (sends) {
            after = sends.stream().filter(t -> t[1] > killedAt).toList();
        }
        long longest = after.stream().mapToLong(t -> t[1] - Math.max(t[0], killedAt)).max().orElse(0);
        double firstAfterKill = after.stream().filter(t -> t[0] > killedAt).mapToLong(t -> t[1] - killedAt).min().orElse(0) / 1e6;
        System.out.printf("Sends acknowledged in the 5 s after the kill: %d; the longest wait of a send in flight at or after the kill: %.1f ms; "
                + "first send begun after the kill acknowledged %.1f ms after it.%n%n", after.size(), longest / 1e6, firstAfterKill);
        System.out.println("| case (g1 alone" + (fenced ? ", every send proved" : "") + ") | msg/s | p50/p99/p99.9 µs | errors |");
        System.out.println("|---|---:|---|---:|");
        int i = 0;
        for (Case c : List.of(oneInFlight, hundredInFlight)) {
            String url = groupUrl(1) + (c.inFlight() > 1 ? "&confirmationWindowSize=1048576" : "");
            LoadRun.Result r;
            try (ActiveMQConnectionFactory f = admin.at(url).factory()) {
                r = LoadRun.run(f, "bench.alone" + i++, c.clients(), c.clients(), c.inFlight(), warmup, seconds);
            }
            System.out.printf("| %s | %.0f | %s | %d |%n", c.name(), r.sentPerSecond(), percentiles(r.sendLatencyMicros()), r.errors());
            System.out.flush();
        }
        System.out.println();
        cli(launcher, "cluster", "up", "--data", cluster.toString());
    }

    private static Kill kill(Path cluster, int node, Credentials admin) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstAfter = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        ReliableSender[] sender = new ReliableSender[1];
        Thread producer = new Thread(() -> {
            try (ActiveMQConnectionFactory f = admin.at(groupUrl(node)).factory();
                 Connection c = f.createConnection()) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = session.createProducer(session.createQueue("bench.failover"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                sender[0] = new ReliableSender(p, java.time.Duration.ofSeconds(120));
                byte[] payload = new byte[1024];
                while (running.get()) {
                    long start = System.nanoTime();
                    var m = session.createBytesMessage();
                    m.writeBytes(payload);
                    sender[0].send(m);
                    acknowledged.incrementAndGet();
                    if (start > killedAt.get() && firstAfter.get() == 0) {
                        firstAfter.set(System.nanoTime());
                    }
                }
            } catch (Exception e) {
                System.err.println("failover producer: " + e);
            }
        });
        producer.start();
        long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acknowledged.get() < 200 && System.nanoTime() < wait) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(cluster.resolve("node" + node).resolve("node.pid")).trim());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("node " + node + " is not running"));
        killedAt.set(System.nanoTime());
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (firstAfter.get() == 0 && System.nanoTime() < giveUp) {
            Thread.sleep(20);
        }
        running.set(false);
        producer.join(150_000);
        if (firstAfter.get() == 0) {
            throw new IllegalStateException("no send succeeded within 120 s of killing node " + node);
        }
        return new Kill((firstAfter.get() - killedAt.get()) / 1e9, sender[0] == null ? 0 : sender[0].retries());
    }

    /** Group gN's URL: its primary on node N and its backup on node N+1, ports as `junction cluster up --base-port` lays them out. */
    private static String groupUrl(int group) {
        int next = group % 3 + 1;
        // without useTopologyForLoadBalancing=false an HA factory spreads its connections over every group
        return ClientUrls.cluster(List.of("tcp://127.0.0.1:" + (BASE_PORT + 10 * group), "tcp://127.0.0.1:" + (BASE_PORT + 10 * next + 1)))
                + "&useTopologyForLoadBalancing=false";
    }

    /** The node whose ZooKeeper member leads, as `junction cluster status` reports it, or "?" when none does. */
    private static String zooKeeperLeader(Path launcher, Path cluster) throws Exception {
        Process p = new ProcessBuilder(launcher.toString(), "cluster", "status", "--data", cluster.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("node (\\d+) leader").matcher(out);
        return m.find() ? m.group(1) : "?";
    }

    private static void cli(Path launcher, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
        }
    }

    private static String percentiles(Histogram h) {
        return h.getValueAtPercentile(50) + " / " + h.getValueAtPercentile(99) + " / " + h.getValueAtPercentile(99.9);
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
