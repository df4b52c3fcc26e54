package io.junction.cluster.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalClusterTest {
    @Test
    void portsInTheEphemeralRangeAreWarnedAbout() throws Exception {
        String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
        int low = Integer.parseInt(range[0]);
        int high = Integer.parseInt(range[1]);
        Optional<String> inside = LocalCluster.ephemeralOverlap(low - 10, 3);
        assertTrue(inside.isPresent() && inside.get().contains(low + "-" + high), String.valueOf(inside));
        assertTrue(LocalCluster.ephemeralOverlap(low - 34, 3).isPresent(), "the last port of node 3 is BASE+34");
        assertEquals(Optional.empty(), LocalCluster.ephemeralOverlap(low - 35, 3));
        assertEquals(Optional.empty(), LocalCluster.ephemeralOverlap(high, 3));
    }
}
