package io.junction.bench;

import io.junction.poll.profile.Profile;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real net-snmp agent ({@code snmpd}, started here on a loopback port) walked N times, one walk after the other, by
 * Junction's poller (the {@code interfaces} profile: ifTable and ifXTable columns by GETBULK) and by net-snmp's
 * {@code snmpbulkwalk} (the same two tables, one process per walk, as a script would run it): the time each takes.
 */
final class SnmpdComparison {
    private SnmpdComparison() {
    }

    /** One Markdown table row per tool, or a line saying why there is none (snmpd not installed). */
    static String run(int walks, List<Profile> interfaces) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/snmpd")) || !Files.isExecutable(Path.of("/usr/bin/snmpbulkwalk"))) {
            return "(snmpd and snmpbulkwalk are not installed: apt-get install snmpd snmp)";
        }
        Path dir = Files.createTempDirectory("bench-snmpd");
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("snmpd.conf"), "agentAddress udp:127.0.0.1:" + port + "\nrocommunity public 127.0.0.0/8\n");
        ProcessBuilder builder = new ProcessBuilder("/usr/sbin/snmpd", "-f", "-Lf", dir.resolve("snmpd.log").toString(), "-C", "-c",
                dir.resolve("snmpd.conf").toString(), "-p", dir.resolve("snmpd.pid").toString());
        builder.environment().put("SNMP_PERSISTENT_DIR", Files.createDirectories(dir.resolve("persist")).toString());
        builder.environment().put("MIBS", "");
        Process snmpd = builder.redirectErrorStream(true).redirectOutput(dir.resolve("snmpd.out").toFile()).start();
        try {
            String target = "127.0.0.1:" + port;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (walk(target, "1.3.6.1.2.1.1.5") != 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("snmpd did not answer on " + target);
                }
                Thread.sleep(200);
            }
            Device device = new Device("bench", "lab", "snmpd", "127.0.0.1", port, SnmpSettings.community(SnmpVersion.V2C, "public"),
                    List.of("interfaces"), Duration.ofSeconds(60));
            long values = 0;
            long junctionNanos;
            try (SnmpPoller poller = SnmpPoller.start(10)) {
                poller.poll(device, interfaces).get(30, TimeUnit.SECONDS);
                long start = System.nanoTime();
                for (int i = 0; i < walks; i++) {
                    PollResult r = poller.poll(device, interfaces).get(30, TimeUnit.SECONDS);
                    if (r.status() != PollResult.Status.UP) {
                        throw new IllegalStateException("snmpd did not answer Junction's poll: " + r.detail());
                    }
                    values = r.values().size();
                }
                junctionNanos = System.nanoTime() - start;
            }
            long start = System.nanoTime();
            for (int i = 0; i < walks; i++) {
                if (walk(target, "1.3.6.1.2.1.2.2") != 0 || walk(target, "1.3.6.1.2.1.31.1.1") != 0) {
                    throw new IllegalStateException("snmpbulkwalk failed");
                }
            }
            long netSnmpNanos = System.nanoTime() - start;
            return String.format("| Junction's poller (one JVM, interfaces profile, %d values a walk) | %d | %.2f ms |%n"
                            + "| net-snmp snmpbulkwalk of ifTable and ifXTable (two processes a walk) | %d | %.2f ms |%n"
                            + "| ratio (net-snmp / Junction) | | %.1f |", values, walks, junctionNanos / 1e6 / walks, walks, netSnmpNanos / 1e6 / walks,
                    (double) netSnmpNanos / junctionNanos);
        } finally {
            snmpd.destroy();
            snmpd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int walk(String target, String oid) throws Exception {
        ProcessBuilder b = new ProcessBuilder("snmpbulkwalk", "-m", "", "-v2c", "-c", "public", "-Cr10", "-t", "1", "-r", "1", target, oid)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        b.environment().put("MIBS", "");
        Process p = b.start();
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
