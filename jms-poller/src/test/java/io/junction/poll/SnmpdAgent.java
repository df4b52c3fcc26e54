package io.junction.poll;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real net-snmp agent ({@code snmpd}) for a test, on a free loopback UDP port, with a generated configuration: a v2c
 * (and v1) community and an SNMPv3 authPriv user.
 */
final class SnmpdAgent implements AutoCloseable {
    static final String COMMUNITY = "public-test";
    static final String USER = "junctionv3";
    static final String AUTH_PASSWORD = "authpass123";
    static final String PRIV_PASSWORD = "privpass123";
    static final String SYS_NAME = "junction-test-agent";

    private final Process process;
    private final int port;
    private final Path log;

    private SnmpdAgent(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts snmpd on a free port; another port if it loses that one to someone else meanwhile (three tries). */
    static SnmpdAgent start(Path dir) throws IOException, InterruptedException {
        return start(dir, "127.0.0.1");
    }

    /** As {@link #start(Path)}, the agent answering on each of {@code addresses} (loopback ones): a device each. */
    static SnmpdAgent start(Path dir, String... addresses) throws IOException, InterruptedException {
        AssertionError last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOn(Files.createDirectories(dir.resolve("snmpd-" + attempt)), freeUdpPort(), addresses);
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    private static SnmpdAgent startOn(Path dir, int port, String... addresses) throws IOException, InterruptedException {
        Path persist = Files.createDirectories(dir.resolve("persist"));
        Path conf = dir.resolve("snmpd.conf");
        Path log = dir.resolve("snmpd.log");
        Files.writeString(conf, String.join("\n",
                "agentAddress " + String.join(",", java.util.Arrays.stream(addresses).map(a -> "udp:" + a + ":" + port).toList()),
                "rocommunity " + COMMUNITY + " 127.0.0.0/8",
                "createUser " + USER + " SHA \"" + AUTH_PASSWORD + "\" AES \"" + PRIV_PASSWORD + "\"",
                "rouser " + USER + " priv",
                "sysName " + SYS_NAME,
                "sysLocation test lab",
                "sysContact ops@example.net", ""));
        ProcessBuilder builder = new ProcessBuilder("/usr/sbin/snmpd", "-f", "-Lf", log.toString(), "-C", "-c", conf.toString(),
                "-p", dir.resolve("snmpd.pid").toString());
        builder.environment().put("SNMP_PERSISTENT_DIR", persist.toString());
        builder.environment().put("MIBS", "");
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("snmpd.out").toFile());
        SnmpdAgent agent = new SnmpdAgent(builder.start(), port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                NetSnmp.run(List.of("snmpget", "-v2c", "-c", COMMUNITY, "-t", "0.5", "-r", "0", agent.target(), "1.3.6.1.2.1.1.5.0"));
                return agent;
            } catch (AssertionError e) {
                if (!agent.process.isAlive() || System.nanoTime() > deadline) {
                    agent.close();
                    throw new AssertionError("snmpd did not answer on port " + port + " within 15 s; its log: "
                            + (Files.exists(log) ? Files.readString(log) : "none"), e);
                }
            }
        }
    }

    int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, as net-snmp's tools take it. */
    String target() {
        return "127.0.0.1:" + port;
    }

    static List<String> v2c() {
        return List.of("-v2c", "-c", COMMUNITY);
    }

    static List<String> v3() {
        return List.of("-v3", "-l", "authPriv", "-u", USER, "-a", "SHA", "-A", AUTH_PASSWORD, "-x", "AES", "-X", PRIV_PASSWORD);
    }

    private static int freeUdpPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = io.junction.testing.FreePorts.next();
            try (DatagramSocket s = new DatagramSocket(candidate, InetAddress.getLoopbackAddress())) {
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free UDP port");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
