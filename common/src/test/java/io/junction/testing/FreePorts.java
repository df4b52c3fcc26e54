package io.junction.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out loopback ports that were free a moment ago and never the same one twice in a JVM, all below the kernel's
 * ephemeral range. A port in that range can be taken between the check and the bind by any outgoing connection as
 * its local port: on CI both primaries of a test cluster failed to bind for minutes (AMQ229230) because connections
 * made while their ZooKeeper members started had taken their ports (Linux gives connect() even ports, and primaries
 * listen on even ones).
 */
public final class FreePorts {
    private static final Set<Integer> GIVEN = new HashSet<>();
    /** The lowest port the kernel hands out as an outgoing connection's local port (32768 unless configured). */
    private static final int EPHEMERAL_LOW = ephemeralLow();

    private FreePorts() {
    }

    public static synchronized int next() {
        return block(1);
    }

    /** A base port such that {@code base} to {@code base + span - 1} were all free a moment ago on loopback. */
    public static synchronized int block(int span) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 10_000 + random.nextInt(EPHEMERAL_LOW - 10_000 - span);
            boolean free = true;
            for (int p = base; p < base + span && free; p++) {
                if (GIVEN.contains(p)) {
                    free = false;
                    break;
                }
                try (ServerSocket socket = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                for (int p = base; p < base + span; p++) {
                    GIVEN.add(p);
                }
                return base;
            }
        }
        throw new IllegalStateException("no block of " + span + " free loopback ports found");
    }

    private static int ephemeralLow() {
        try {
            // readString gets only the first byte of a /proc file (its size reads 0); a line read gets it whole
            String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 15_000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /**
     * A port below the ephemeral range that was free for UDP on loopback a moment ago, never handed out twice: for
     * an SNMP agent, a trap receiver, or a port no one answers (a kernel-chosen port could be taken by any client
     * socket, an SNMP poller's included, before the test binds it).
     */
    public static synchronized int udp() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = next();
            try (java.net.DatagramSocket s = new java.net.DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken for UDP: the next
            }
        }
        throw new IllegalStateException("no free UDP port found below the ephemeral range");
    }
}
