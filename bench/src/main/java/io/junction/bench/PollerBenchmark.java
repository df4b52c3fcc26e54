package io.junction.bench;

import com.sun.management.OperatingSystemMXBean;
import io.junction.poll.profile.Profile;
import io.junction.poll.profile.Profiles;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * One poller against the device simulator in another process ({@code bin/junction simulate}): each case simulates N
 * devices of 20 interfaces and polls each with the {@code interfaces} profile once per interval, spread evenly over
 * it, for a number of intervals after one of warm-up. It prints Markdown for docs/benchmarks.md: devices and values a
 * second sustained, polls that did not finish within their interval, the poller's CPU (in cores, from the JVM's
 * process CPU time over the measured intervals) and heap after a full GC, and poll duration p50 and p99.
 * <p>
 * Then a real snmpd walked by the poller and by net-snmp's snmpbulkwalk ({@link SnmpdComparison}).
 * <p>
 * Usage: {@code bench/poller [INTERVAL_SECONDS [INTERVALS [DEVICES...]]]} (defaults 60, 2, 1000 10000).
 */
public final class PollerBenchmark {
    private PollerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int intervalSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int intervals = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Integer> cases = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            cases.add(Integer.parseInt(args[i]));
        }
        if (cases.isEmpty()) {
            cases = List.of(1_000, 10_000);
        }
        Path home = Path.of(System.getProperty("junction.home", "."));
        Map<String, Profile> all = Profiles.load(home.resolve("etc/profiles"));
        List<Profile> profiles = List.of(all.get("interfaces"));
        System.out.println("### bench/poller (" + Instant.now() + ")");
        System.out.println();
        System.out.println(MachineFacts.describe(home) + " Command: `bench/poller " + String.join(" ", args)
                + "`. Interval " + intervalSeconds + " s, " + intervals + " measured intervals after one of warm-up; the `interfaces` profile,"
                + " SNMPv2c, 20 interfaces a device; the simulator in its own process on the same two cores.");
        System.out.println();
        System.out.println("| devices | polls/s | values/s | late or failed | poller CPU (cores) | heap after GC | poll p50 | poll p99 | simulator CPU (cores) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int devices : cases) {
            System.out.println(runCase(home, devices, intervalSeconds, intervals, profiles));
        }
        System.out.println();
        System.out.println("A real snmpd on loopback, walked 200 times one after the other:");
        System.out.println();
        System.out.println("| walker | walks | time a walk |");
        System.out.println("|---|---:|---:|");
        System.out.println(SnmpdComparison.run(200, profiles));
    }

    private static String runCase(Path home, int devices, int intervalSeconds, int intervals, List<Profile> profiles) throws Exception {
        int port = freeUdpPort();
        Path log = Files.createTempFile("simulator", ".log");
        Process sim = new ProcessBuilder(List.of(home.resolve("bin/junction").toString(), "simulate", "--devices", String.valueOf(devices), "--interfaces",
                "20", "--address", "127.20.0.1", "--port", String.valueOf(port))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("Simulating")) {
                if (!sim.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the simulator did not start: " + Files.readString(log));
                }
                Thread.sleep(200);
            }
            List<Device> list = new ArrayList<>();
            for (int n = 1; n <= devices; n++) {
                long a = (127L << 24) + (20L << 16) + n;
                String address = (a >> 24) + "." + ((a >> 16) & 0xff) + "." + ((a >> 8) & 0xff) + "." + (a & 0xff);
                list.add(new Device("bench", "lab", "sim-" + n, address, port, SnmpSettings.community(SnmpVersion.V2C, "public"), List.of("interfaces"),
                        Duration.ofSeconds(intervalSeconds)));
            }
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            ConcurrentHistogram durations = new ConcurrentHistogram(3);
            AtomicLong values = new AtomicLong();
            AtomicLong bad = new AtomicLong();
            AtomicLong polls = new AtomicLong();
            long simCpuStart = 0;
            long cpuStart = 0;
            long measureFrom = 0;
            long heapMiB;
            try (SnmpPoller poller = SnmpPoller.start(1000)) {
                long intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
                long start = System.nanoTime();
                for (int round = 0; round <= intervals; round++) {
                    boolean measured = round > 0;
                    if (round == 1) {
                        durations.reset();
                        values.set(0);
                        bad.set(0);
                        polls.set(0);
                        cpuStart = os.getProcessCpuTime();
                        simCpuStart = cpuNanos(sim.pid());
                        measureFrom = System.nanoTime();
                    }
                    List<CompletableFuture<PollResult>> round_ = new ArrayList<>();
                    for (int d = 0; d < devices; d++) {
                        int i = d;
                        long due = start + round * intervalNanos + intervalNanos * i / devices;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        long roundEnd = start + (round + 1L) * intervalNanos;
                        round_.add(poller.poll(list.get(i), profiles).whenComplete((r, e) -> {
                            polls.incrementAndGet();
                            if (r == null || r.status() != PollResult.Status.UP || System.nanoTime() > roundEnd + intervalNanos * i / devices) {
                                bad.incrementAndGet();
                            }
                            if (r != null) {
                                durations.recordValue(Math.max(0, r.durationMs()));
                                values.addAndGet(r.values().size());
                            }
                        }));
                    }
                    if (!measured) {
                        for (CompletableFuture<PollResult> f : round_) {
                            f.get(intervalSeconds * 2L, TimeUnit.SECONDS);
                        }
                    }
                }
                long endOfMeasure = start + (intervals + 1) * intervalNanos;
                long wait = endOfMeasure - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                // the heap the poller holds, its devices and polls under way included
                System.gc();
                heapMiB = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            }
            double seconds = (System.nanoTime() - measureFrom) / 1e9;
            double cores = (os.getProcessCpuTime() - cpuStart) / 1e9 / seconds;
            double simCores = (cpuNanos(sim.pid()) - simCpuStart) / 1e9 / seconds;
            return String.format("| %,d | %,.0f | %,.0f | %,d | %.2f | %d MiB | %d ms | %d ms | %.2f |", devices, polls.get() / seconds, values.get() / seconds,
                    bad.get(), cores, heapMiB, durations.getValueAtPercentile(50), durations.getValueAtPercentile(99), simCores);
        } finally {
            sim.destroy();
            sim.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A process's CPU time (user and system) from /proc/PID/stat, in nanoseconds. */
    private static long cpuNanos(long pid) throws Exception {
        String stat = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "stat")).get(0);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10_000_000L;
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
