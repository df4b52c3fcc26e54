package io.junction.bench;

import io.junction.consume.event.Incoming;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.metric.MetricsMessages;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The consumers' stores, measured in this process without the bus: the event store recording events (H2, the default;
 * then PostgreSQL, a real server started on this machine)
 * and the metric store storing polls of D devices of 20 interfaces with the {@code interfaces} profile's 11 numeric
 * values an interface (the files are made during the first interval, then each interval is one update of every series).
 * It prints Markdown for docs/benchmarks.md: events/s, values/s (first interval, with the files made, and the
 * intervals after), disk per series, and the process's CPU.
 * <p>
 * Usage: {@code bench/consumers [DEVICES [INTERVALS [EVENTS [OPEN_FILES]]]]} (defaults 100 devices, 3 intervals, 20,000
 * events, the store's default of files held open).
 */
public final class ConsumersBenchmark {
    private static final String[] COUNTERS = {"ifHCInOctets", "ifHCOutOctets", "ifHCInUcastPkts", "ifHCOutUcastPkts", "ifInErrors", "ifOutErrors",
        "ifInDiscards", "ifOutDiscards"};
    private static final String[] GAUGES = {"ifAdminStatus", "ifOperStatus", "ifHighSpeed"};
    private static final int INTERFACES = 20;

    private ConsumersBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int intervals = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int openFiles = args.length > 3 ? Integer.parseInt(args[3]) : MetricStore.Settings.OPEN_FILES;
        Path home = Path.of(System.getProperty("junction.home", "."));
        Path dir = Files.createTempDirectory(home.resolve("bench/target"), "consumers-");
        System.out.println("### bench/consumers (" + Instant.now() + ")");
        System.out.println();
        System.out.println(MachineFacts.describe(home) + " Command: `bench/consumers " + String.join(" ", args) + "`. In one process, without the"
                + " bus: the stores alone, one thread each.");
        System.out.println();
        System.out.println("| store | events | events/s | CPU (cores) |");
        System.out.println("|---|---:|---:|---:|");
        events("H2 (default)", Database.Settings.h2(dir.resolve("store")), events);
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("postgres")).start()) {
            try (java.sql.Connection c = pg.getPostgresDatabase().getConnection(); java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE junction");
            }
            events("PostgreSQL " + postgresVersion(pg) + " (same machine, default settings)",
                    new Database.Settings(pg.getJdbcUrl("postgres", "junction"), "postgres", "postgres", 4), events);
        }
        System.out.println();
        metrics(dir.resolve("metrics"), devices, intervals, openFiles);
        deleteTree(dir);
    }

    private static String postgresVersion(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg) throws Exception {
        try (java.sql.Connection c = pg.getPostgresDatabase().getConnection()) {
            return c.getMetaData().getDatabaseProductVersion().split(" ")[0];
        }
    }

    private static void events(String name, Database.Settings settings, int n) throws Exception {
        try (Database db = Database.open(settings)) {
            EventStore store = new EventStore(db);
            Instant t0 = Instant.now();
            // per device: down, two repeats, up, again and again: opened, repeated, closed and (after the fourth change) flapping
            String[] cycle = {"device-unreachable", "device-unreachable", "device-unreachable", "device-reachable"};
            long started = System.nanoTime();
            long cpu = cpuNanos();
            for (int i = 0; i < n; i++) {
                int device = i % 1_000;
                String type = cycle[(i / 1_000) % cycle.length];
                store.record("acme", "m-" + i, new Incoming("acme", "hq", "dev-" + device, type, "", type.endsWith("unreachable") ? "major" : "normal",
                        t0.plusSeconds(i / 1_000)), null);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            // CPU: this process's (PostgreSQL's own server processes are not counted)
            System.out.printf("| %s | %,d | %,.0f | %.2f |%n", name, n, n / seconds, (cpuNanos() - cpu) / 1e9 / seconds);
        }
    }

    private static void metrics(Path dir, int devices, int intervals, int openFiles) throws Exception {
        MetricStore.Settings defaults = MetricStore.Settings.defaults(dir);
        try (MetricStore store = new MetricStore(new MetricStore.Settings(dir, defaults.step(), defaults.archives(), defaults.heartbeat(), openFiles))) {
            System.out.printf("Files held open: at most %,d (a file an interface: %s).%n%n", openFiles,
                    openFiles >= devices * INTERFACES ? "every file stays open" : "each update opens a file and closes another");
            long t0 = Instant.now().getEpochSecond() / 3600 * 3600 - 3600L * 24;
            System.out.println("| devices | series | interval | values | values/s | CPU (cores) |");
            System.out.println("|---:|---:|---|---:|---:|---:|");
            for (int interval = 0; interval <= intervals; interval++) {
                long values = 0;
                long started = System.nanoTime();
                long cpu = cpuNanos();
                for (int d = 0; d < devices; d++) {
                    List<MetricsMessages.Value> vs = new ArrayList<>();
                    for (int i = 1; i <= INTERFACES; i++) {
                        for (String c : COUNTERS) {
                            vs.add(new MetricsMessages.Value(c, String.valueOf(i), "", "Counter64", (long) interval * 60 * 1_000_000L * i));
                        }
                        for (String g : GAUGES) {
                            vs.add(new MetricsMessages.Value(g, String.valueOf(i), "", "Gauge32", g.equals("ifHighSpeed") ? 10_000 : 1));
                        }
                    }
                    store.store(new MetricsMessages.Poll("acme", "hq", "dev-" + d, Instant.ofEpochSecond(t0 + 60L * interval), true, "UP",
                            100_000 + 6_000L * interval, vs));
                    values += vs.size();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                String which = interval == 0 ? "first (files made)" : interval == 1 ? "second (counters' first rates)" : "then";
                System.out.printf("| %,d | %,d | %s | %,d | %,.0f | %.2f |%n", devices, devices * INTERFACES * (COUNTERS.length + GAUGES.length), which,
                        values, values / seconds, (cpuNanos() - cpu) / 1e9 / seconds);
            }
        }
        long bytes;
        long files;
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> rrd = walk.filter(p -> p.toString().endsWith(".rrd")).toList();
            files = rrd.size();
            long sum = 0;
            for (Path p : rrd) {
                sum += Files.size(p);
            }
            bytes = sum;
        }
        System.out.printf("%nDisk: %,d RRD files (one an interface), %,d bytes (%,d bytes a file, the default archives: 1m for 2d, 5m for 14d, 1h for 396d, each"
                + " AVERAGE, MIN and MAX).%n%n", files, bytes, files == 0 ? 0 : bytes / files);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
