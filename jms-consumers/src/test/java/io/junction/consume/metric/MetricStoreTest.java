package io.junction.consume.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rrd4j.ConsolFun;

/**
 * The metric store on real RRD files: counters become rates, right across a 32-bit wrap, with a gap (never a spike) at
 * a restart and where polls stopped; an octet rate above the interface's speed is discarded and counted; a poll
 * stored twice counts once; MIN and MAX keep the peaks the averages hide; no name leaves its tenant's directory; and
 * a chart is a PNG.
 */
class MetricStoreTest {
    /** A whole hour, so that each poll a minute apart ends one step of every archive. */
    private static final long T0 = 1_796_000_400L;

    @TempDir
    Path dir;

    private static MetricsMessages.Poll poll(String device, long second, long upTimeCentis, MetricsMessages.Value... values) {
        return new MetricsMessages.Poll("acme", "hq", device, Instant.ofEpochSecond(second), true, "UP", upTimeCentis, List.of(values));
    }

    private static MetricsMessages.Value octets(String type, long value) {
        return new MetricsMessages.Value(type.equals("Counter64") ? "ifHCInOctets" : "ifInOctets", "3", "ge-0/0/1", type, value);
    }

    private static MetricsMessages.Value speed(long mbps) {
        return new MetricsMessages.Value("ifHighSpeed", "3", "ge-0/0/1", "Gauge32", mbps);
    }

    private static List<Double> values(MetricStore store, String name, long from, long to, ConsolFun f) throws Exception {
        List<Double> out = new ArrayList<>();
        for (MetricStore.Point p : store.fetch("acme", "core-1", name, "3", Instant.ofEpochSecond(from), Instant.ofEpochSecond(to), f)) {
            if (p.time().getEpochSecond() > from && p.time().getEpochSecond() <= to) {
                out.add(p.value());
            }
        }
        return out;
    }

    @Test
    void aValueIsInTheFileOnceStoredThoughTheFileStaysOpen() throws Exception {
        // what a consumers process killed with -9 leaves: the files as written, never closed (the kernel keeps what was written)
        MetricStore writer = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")));
        for (int i = 0; i <= 3; i++) {
            writer.store(poll("core-1", T0 + 60L * i, 100_000 + 6_000L * i, octets("Counter64", 60_000L * i), speed(1000)));
        }
        try (MetricStore reader = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")))) {
            assertEquals(List.of(1_000.0, 1_000.0, 1_000.0), values(reader, "ifHCInOctets", T0, T0 + 180, ConsolFun.AVERAGE),
                    "another store on the same files reads every value the first stored");
        } finally {
            writer.close();
        }
    }

    @Test
    void aStoreStartedAgainComputesItsFirstRateFromTheCountersTheLastOneRead() throws Exception {
        try (MetricStore store = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")))) {
            for (int i = 0; i <= 1; i++) {
                store.store(poll("core-1", T0 + 60L * i, 100_000 + 6_000L * i, octets("Counter64", 60_000L * i), speed(1000)));
            }
        }
        try (MetricStore again = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")))) {
            // poll 2 is missed (a process killed, say): poll 3's rate covers both intervals
            MetricStore.Stored stored = again.store(poll("core-1", T0 + 180, 118_000, octets("Counter64", 180_000), speed(1000)));
            assertEquals(0, stored.withoutRate(), "the counter as last read came back with the store");
            assertEquals(List.of(1_000.0, 1_000.0, 1_000.0), values(again, "ifHCInOctets", T0, T0 + 180, ConsolFun.AVERAGE));
        }
    }

    @Test
    void aValueNewToAnInterfaceIsAddedBesideTheOthersWhichKeepTheirHistory() throws Exception {
        try (MetricStore store = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")))) {
            for (int i = 0; i <= 2; i++) {
                store.store(poll("core-1", T0 + 60L * i, 100_000 + 6_000L * i, octets("Counter64", 60_000L * i), speed(1000)));
            }
            // a profile now polls errors too, and a value whose name RRD4J cannot hold as it is (longer than 20 characters)
            String longName = "ifHCInBroadcastPacketsOfTheVlan";
            for (int i = 3; i <= 4; i++) {
                store.store(poll("core-1", T0 + 60L * i, 100_000 + 6_000L * i, octets("Counter64", 60_000L * i), speed(1000),
                        new MetricsMessages.Value("ifInErrors", "3", "", "Counter32", 600L * i),
                        new MetricsMessages.Value(longName, "3", "", "Gauge32", 7)));
            }
            assertEquals(List.of(1_000.0, 1_000.0, 1_000.0, 1_000.0), values(store, "ifHCInOctets", T0, T0 + 240, ConsolFun.AVERAGE),
                    "the history from before the new values");
            List<Double> errors = values(store, "ifInErrors", T0, T0 + 240, ConsolFun.AVERAGE);
            assertTrue(errors.subList(0, 3).stream().allMatch(v -> Double.isNaN(v)), "unknown before it was polled: " + errors);
            assertEquals(10.0, errors.get(3), 1e-9);
            assertEquals(List.of(7.0, 7.0), values(store, longName, T0 + 120, T0 + 240, ConsolFun.AVERAGE));
            assertEquals(List.of(longName + "~3", "ifHCInOctets~3", "ifHighSpeed~3", "ifInErrors~3"), store.series("acme", "core-1"));
        }
        try (Stream<Path> files = Files.list(dir.resolve("metrics").resolve("acme").resolve("core-1"))) {
            assertEquals(List.of("3.rrd", "counters.json", "names.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "one file for the interface's values");
        }
    }

    @Test
    void countersBecomeRatesAcrossAWrapWithGapsAtARestartAndWherePollsStopped() throws Exception {
        try (MetricStore store = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")))) {
            long c = (1L << 32) - 90_000; // wraps between the second and third polls
            long up = 100_000;
            for (int i = 0; i <= 3; i++) {
                store.store(poll("core-1", T0 + 60L * i, up + 6_000L * i, octets("Counter32", (c + 60_000L * i) % (1L << 32)), speed(1000)));
            }
            // the device restarts: sysUpTime back to 5 s, the counter from 0
            store.store(poll("core-1", T0 + 240, 500, octets("Counter32", 10_000), speed(1000)));
            store.store(poll("core-1", T0 + 300, 6_500, octets("Counter32", 70_000), speed(1000)));
            // polls stop for 20 minutes (past the 10-minute heartbeat), then go on
            store.store(poll("core-1", T0 + 1_500, 126_500, octets("Counter32", 80_000), speed(1000)));
            store.store(poll("core-1", T0 + 1_560, 132_500, octets("Counter32", 140_000), speed(1000)));
            List<Double> rates = values(store, "ifInOctets", T0, T0 + 1_560, ConsolFun.AVERAGE);
            assertEquals(1_000.0, rates.get(0), 1e-6, "60,000 octets in 60 s");
            assertEquals(1_000.0, rates.get(1), 1e-6, "across the wrap: no spike");
            assertEquals(1_000.0, rates.get(2), 1e-6);
            assertTrue(Double.isNaN(rates.get(3)), "the restart is a gap, not a spike or a drop: " + rates);
            assertEquals(1_000.0, rates.get(4), 1e-6, "after the restart");
            for (int i = 5; i < 24; i++) {
                assertTrue(Double.isNaN(rates.get(i)), "no polls, no values: " + rates.get(i) + " at step " + i);
            }
            assertTrue(Double.isNaN(rates.get(24)), "the first poll after the gap has nothing to compute a rate from");
            assertEquals(1_000.0, rates.get(25), 1e-6);
            assertEquals(List.of(1000.0, 1000.0), values(store, "ifHighSpeed", T0 + 60, T0 + 180, ConsolFun.AVERAGE), "gauges as read");
        }
    }

    @Test
    void aRateAboveTheInterfacesSpeedIsDiscardedAndAPollStoredTwiceCountsOnce() throws Exception {
        try (MetricStore store = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")))) {
            store.store(poll("core-1", T0, 100_000, octets("Counter64", 0), speed(1)));
            // 1 Mb/s is 125,000 octets a second: 7.5 MB in a minute is 1 Mb/s exactly, 15 MB twice that
            MetricStore.Stored ok = store.store(poll("core-1", T0 + 60, 106_000, octets("Counter64", 7_500_000), speed(1)));
            MetricStore.Stored fast = store.store(poll("core-1", T0 + 120, 112_000, octets("Counter64", 22_500_000), speed(1)));
            assertEquals(0, ok.overSpeed());
            assertEquals(1, fast.overSpeed());
            assertEquals(1, store.overSpeed());
            List<Double> rates = values(store, "ifHCInOctets", T0, T0 + 120, ConsolFun.AVERAGE);
            assertEquals(125_000.0, rates.get(0), 1e-6);
            MetricStore.Stored again = store.store(poll("core-1", T0 + 120, 112_000, octets("Counter64", 22_500_000), speed(1)));
            assertEquals(0, again.values(), "a poll delivered again stores nothing");
            assertTrue(again.stale() > 0);
        }
    }

    @Test
    void minAndMaxKeepThePeaksTheAveragesHide() throws Exception {
        try (MetricStore store = new MetricStore(MetricStore.Settings.defaults(dir.resolve("metrics")))) {
            // five minutes of a gauge: 10, 10, 90, 10, 10
            long[] load = {10, 10, 90, 10, 10};
            for (int i = 0; i < load.length; i++) {
                store.store(poll("core-1", T0 + 60L * (i + 1), 100_000 + 6_000L * i,
                        new MetricsMessages.Value("cpuLoad", "3", "", "Integer32", load[i])));
            }
            // a range of 10 days is fetched from the archive of 5-minute steps (the 1-minute one keeps 2 days)
            List<MetricStore.Point> avg = store.fetch("acme", "core-1", "cpuLoad", "3", Instant.ofEpochSecond(T0 - 86_400L * 10),
                    Instant.ofEpochSecond(T0 + 600), ConsolFun.AVERAGE);
            assertEquals(300, avg.get(1).time().getEpochSecond() - avg.get(0).time().getEpochSecond(), "the 5-minute archive");
            double mean = point(avg, T0 + 300);
            double max = point(store.fetch("acme", "core-1", "cpuLoad", "3", Instant.ofEpochSecond(T0 - 86_400L * 10), Instant.ofEpochSecond(T0 + 600),
                    ConsolFun.MAX), T0 + 300);
            double min = point(store.fetch("acme", "core-1", "cpuLoad", "3", Instant.ofEpochSecond(T0 - 86_400L * 10), Instant.ofEpochSecond(T0 + 600),
                    ConsolFun.MIN), T0 + 300);
            assertEquals(26.0, mean, 1e-6, "the average of 10, 10, 90, 10, 10");
            assertEquals(90.0, max, 1e-6, "the peak survives consolidation");
            assertEquals(10.0, min, 1e-6);
        }
    }

    private static double point(List<MetricStore.Point> points, long at) {
        return points.stream().filter(p -> p.time().getEpochSecond() == at).findFirst().orElseThrow().value();
    }

    @Test
    void noNameLeavesItsTenantsDirectoryAndAChartIsAPng() throws Exception {
        Path root = dir.resolve("metrics");
        try (MetricStore store = new MetricStore(MetricStore.Settings.defaults(root))) {
            store.store(new MetricsMessages.Poll("acme", "hq", "../beta/core-1", Instant.ofEpochSecond(T0), true, "UP", 100,
                    List.of(new MetricsMessages.Value("../../x", "../y", "", "Gauge32", 1))));
            try (Stream<Path> files = Files.walk(root)) {
                List<Path> rrd = files.filter(p -> p.toString().endsWith(".rrd")).toList();
                assertEquals(1, rrd.size());
                assertTrue(rrd.get(0).startsWith(root.resolve("acme")) && rrd.get(0).getParent().getParent().equals(root.resolve("acme")),
                        "inside acme, one directory per device: " + rrd.get(0));
            }
            assertEquals(List.of("../../x~../y"), store.series("acme", "../beta/core-1"));
            for (int i = 1; i <= 30; i++) {
                store.store(poll("core-1", T0 + 60L * i, 100_000 + 6_000L * i, octets("Counter64", 60_000L * i * i), speed(1000)));
            }
            byte[] png = store.chart("acme", "core-1", "ifHCInOctets", "3", Instant.ofEpochSecond(T0), Instant.ofEpochSecond(T0 + 1_800), 8, "bit/s");
            assertEquals(0x89, png[0] & 0xff);
            assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertTrue(image.getWidth() > 720 && image.getHeight() > 240, image.getWidth() + "x" + image.getHeight());
        }
    }
}
