package io.junction.bench;

import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.consume.ConsumersProcess;
import io.junction.consume.api.ApiServer;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.notify.Notifier;
import io.junction.consume.store.Database;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * End to end through the bus, as an operator runs it: a node, {@code junction simulate} (N devices of 20 interfaces),
 * {@code junction poller start} for their site, each in its own process, and the consumers (the event manager on H2)
 * in this one. K devices are taken down, then brought back; for each change it measures, from when the poller
 * published its event (the message's JMS timestamp: the poll that saw the change has just ended), when the alert
 * reached a subscriber of {@code tenant.ID.alerts} (the broker's divert) and when the problem's opening or closing was
 * committed to the store (the notice written in the same transaction); and the alert from the start of that poll (the
 * event's {@code time}), which adds the time the poller took to see the change. Prints Markdown for docs/benchmarks.md.
 */
public final class EndToEndBenchmark {
    private static final String PASSWORD = "bench-pass-1";
    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");
    private static final Pattern DEVICE = Pattern.compile("\"device\":\"([^\"]+)\"");

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int flips = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int interval = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        // DEVICES or DEVICESxPOLLERS: that many poller processes at the site, sharing its devices
        List<int[]> cases = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String[] parts = args[i].split("x");
            cases.add(new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 1});
        }
        if (cases.isEmpty()) {
            cases = List.of(new int[] {1_000, 1}, new int[] {10_000, 2});
        }
        Path home = Path.of(System.getProperty("junction.home", ".")).toAbsolutePath();
        Path work = Files.createDirectories(home.resolve("bench/target/e2e-" + System.currentTimeMillis()));
        System.out.println("### bench/e2e (" + Instant.now() + ")");
        System.out.println();
        System.out.println(MachineFacts.describe(work) + " Command: `bench/e2e " + String.join(" ", args) + "`. One node, `junction simulate`"
                + " (20 interfaces a device) and `junction poller start` (profiles `system` and `interfaces`, every " + interval + " s; one or more"
                + " processes sharing the site) each in its own process, the consumers (event manager on H2, notifications on) in the benchmark's,"
                + " and a reader draining the metrics; all on the same two cores. "
                + flips + " devices taken down, then brought back up. Times from the poller's publication of the event (its JMS timestamp, when"
                + " the poll that saw the change had ended), on the one clock of this machine; the last but two columns from the start of that"
                + " poll (the event's `time`): a device that stops answering is declared so after its request and one retry time out (3 s each).");
        System.out.println();
        System.out.println("| devices | pollers | changes | alert on `alerts` after the event's publication: p50 / p99 / max | problem opened, stored: p50 / p99 / max"
                + " | problem closed, stored: p50 / p99 / max | alert after the poll's start: p50 / p99 | alerts received | benchmark process CPU: consumers and metrics drain (cores) |");
        System.out.println("|---:|---:|---:|---|---|---|---|---:|---:|");
        for (int[] c : cases) {
            System.out.println(runCase(home, work.resolve("n" + c[0] + "x" + c[1]), c[0], c[1], flips, interval));
        }
    }

    private static String runCase(Path home, Path dir, int devices, int pollers, int flips, int interval) throws Exception {
        Path launcher = home.resolve("bin/junction");
        try (NodeProcess node = NodeProcess.start(launcher, dir.resolve("node"), Map.of())) {
            String url = "tcp://127.0.0.1:" + node.mainPort;
            Credentials admin = Credentials.read(node.dataDir.resolve(Credentials.FILE_NAME)).at(url);
            try (Credentials.Open open = admin.connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(30))) {
                m.text(ManagementClient.DIRECTORY, "createTenant", "bench", "Bench", "max-devices=20000");
                m.text(ManagementClient.DIRECTORY, "addUser", "bench-poller", "bench", "poller", PASSWORD);
                m.text(ManagementClient.DIRECTORY, "addUser", "bench-events", "bench", "consumer", PASSWORD);
            }
            int port = PollerBenchmark.freeUdpPort();
            ProcessBuilder simulate = new ProcessBuilder(List.of(launcher.toString(), "simulate", "--devices", String.valueOf(devices), "--interfaces", "20",
                    "--address", "127.20.0.1", "--port", String.valueOf(port), "--tenant", "bench", "--site", "lab", "--interval", interval + "s"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("simulator.log").toFile());
            simulate.environment().put("JUNCTION_URL", url);
            simulate.environment().put("JUNCTION_USER", admin.user());
            simulate.environment().put("JUNCTION_PASSWORD", admin.password());
            Process sim = simulate.start();
            List<Process> started = new ArrayList<>();
            try {
                await(sim, dir.resolve("simulator.log"), "Simulating", 300);
                for (int i = 1; i <= pollers; i++) {
                    Path pollerConfig = dir.resolve("poller-" + i + ".properties");
                    Files.writeString(pollerConfig, "bus.url=" + url + "\nbus.user=bench-poller\nbus.password=" + PASSWORD + "\npoller.profiles="
                            + home.resolve("etc/profiles") + "\nspool.dir=" + dir.resolve("spool-" + i) + "\n");
                    Path log = dir.resolve("poller-" + i + ".log");
                    Process poller = new ProcessBuilder(List.of(launcher.toString(), "poller", "start", "--tenant", "bench", "--site", "lab", "--config",
                            pollerConfig.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                    started.add(poller);
                    await(poller, log, "Polling site", 120);
                }
                return measure(dir, url, sim, devices, pollers, flips, interval);
            } finally {
                for (Process poller : started) {
                    poller.destroy();
                    poller.waitFor(30, TimeUnit.SECONDS);
                }
                sim.destroy();
                sim.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String measure(Path dir, String url, Process sim, int devices, int pollers, int flips, int interval) throws Exception {
        Database.Settings store = Database.Settings.h2(dir.resolve("store"));
        Path rules = Files.createDirectories(dir.resolve("rules"));
        ConsumersProcess.Settings settings = new ConsumersProcess.Settings(Set.of("events"), "main", store, Duration.ofHours(1),
                MetricStore.Settings.defaults(dir.resolve("metrics")), new ApiServer.Settings("127.0.0.1", 0, "", ""), Duration.ofSeconds(5), rules,
                Notifier.Settings.DEFAULTS);
        Histogram alerts = new Histogram(3_600_000L, 3);
        Histogram fromPoll = new Histogram(3_600_000L, 3);
        Map<String, Boolean> alerted = new ConcurrentHashMap<>();
        // when the poller published each device's down and up event (its JMS timestamp)
        Map<String, Long> published = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong metrics = new java.util.concurrent.atomic.AtomicLong();
        long cpuStart;
        long wallStart;
        double cores;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (ConsumersProcess consumers = ConsumersProcess.start(new Credentials(url, "bench-events", PASSWORD), "bench", settings);
             Connection c = new Credentials(url, "bench-events", PASSWORD).factory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createTopic("tenant.bench.alerts"));
            consumer.setMessageListener(message -> {
                long now = System.currentTimeMillis();
                try {
                    String body = ((TextMessage) message).getText();
                    Matcher t = TIME.matcher(body);
                    Matcher d = DEVICE.matcher(body);
                    if (t.find() && d.find() && body.contains("device-unreachable") && alerted.putIfAbsent(d.group(1), true) == null) {
                        synchronized (alerts) {
                            alerts.recordValue(Math.max(0, now - message.getJMSTimestamp()));
                            fromPoll.recordValue(Math.max(0, now - Instant.parse(t.group(1)).toEpochMilli()));
                        }
                    }
                } catch (Exception e) {
                    System.err.println("an alert not understood: " + e);
                }
            });
            Session es = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            es.createConsumer(es.createTopic("tenant.bench.events")).setMessageListener(message -> {
                try {
                    String body = ((TextMessage) message).getText();
                    Matcher d = DEVICE.matcher(body);
                    String type = body.contains("\"device-unreachable\"") ? "device-unreachable" : body.contains("\"device-reachable\"") ? "device-reachable" : null;
                    if (type != null && d.find()) {
                        published.put(d.group(1) + " " + type, message.getJMSTimestamp());
                    }
                } catch (Exception e) {
                    System.err.println("an event not understood: " + e);
                }
            });
            // the metrics drained, as a metric store would (none is measured here): left unread, they would fill the tenant's quota
            Session ms = c.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
            ms.createConsumer(ms.createTopic("tenant.bench.metrics")).setMessageListener(message -> metrics.incrementAndGet());
            c.start();
            // every device polled once (their polls spread over the interval), and the first polls' events judged
            Thread.sleep(TimeUnit.SECONDS.toMillis(interval + 20L));
            cpuStart = os.getProcessCpuTime();
            wallStart = System.nanoTime();
            // the devices changed, spread over the simulator's numbering
            int step = Math.max(1, devices / flips);
            command(sim, "down", step, flips);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2L * interval + 30);
            while (alerted.size() < flips && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            Thread.sleep(5_000);
            command(sim, "up", step, flips);
            Thread.sleep(TimeUnit.SECONDS.toMillis(interval + 30L));
            cores = (os.getProcessCpuTime() - cpuStart) / 1e9 / ((System.nanoTime() - wallStart) / 1e9);
        }
        Histogram opened = new Histogram(3_600_000L, 3);
        Histogram closed = new Histogram(3_600_000L, 3);
        try (Database db = Database.open(store)) {
            db.inTransaction(c -> {
                try (PreparedStatement q = c.prepareStatement("SELECT n.reason, n.created_at, p.device FROM notices n"
                        + " JOIN problems p ON p.id = n.problem_id WHERE p.problem_type = 'device-unreachable'"); ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        long at = r.getObject(2, OffsetDateTime.class).toInstant().toEpochMilli();
                        boolean opening = r.getString(1).equals("opened");
                        Long sent = published.get(r.getString(3) + " " + (opening ? "device-unreachable" : "device-reachable"));
                        if (sent != null && (opening || r.getString(1).equals("closed"))) {
                            (opening ? opened : closed).recordValue(Math.max(0, at - sent));
                        }
                    }
                }
                return null;
            });
        }
        System.err.printf("%,d devices: %,d metrics messages drained%n", devices, metrics.get());
        return String.format("| %,d | %d | %d down, %d up | %s | %s | %s | %,d / %,d ms | %d of %d | %.2f |", devices, pollers, opened.getTotalCount(),
                closed.getTotalCount(), ms(alerts), ms(opened), ms(closed), fromPoll.getValueAtPercentile(50), fromPoll.getValueAtPercentile(99),
                alerted.size(), flips, cores);
    }

    private static String ms(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "none";
        }
        return String.format("%,d / %,d / %,d ms", h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue());
    }

    /** Tells the simulator to change every {@code step}th device, {@code count} of them, one command each. */
    private static void command(Process sim, String what, int step, int count) throws IOException {
        OutputStream in = sim.getOutputStream();
        for (int i = 0; i < count; i++) {
            in.write((what + " " + (1 + i * step) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        in.flush();
    }

    private static void await(Process p, Path log, String line, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.readString(log).contains(line)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(log.getFileName() + " says:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }
}
