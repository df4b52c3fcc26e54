package io.junction.poll.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on real files: order, restarts, torn records, and its bounds. */
class SpoolTest {
    private static final long SMALL = 64 * 1024;

    @TempDir
    Path dir;

    private static Spooled entry(int n, long at) {
        return new Spooled(at, "tenant.acme.metrics", "metrics/acme/hq/10.0.0.1:161/" + n, Map.of("device", "dev-" + n),
                "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(150) + "\"}", n % 10 == 0 ? "note-" + n : null);
    }

    private static List<Integer> drain(Spool spool, int batch) throws IOException {
        List<Integer> out = new ArrayList<>();
        while (true) {
            Spool.Batch b = spool.peek(batch);
            if (b.entries().isEmpty() && b.expired() == 0) {
                return out;
            }
            for (Spooled s : b.entries()) {
                out.add(Integer.parseInt(s.duplicateId().substring(s.duplicateId().lastIndexOf('/') + 1)));
            }
            spool.forwarded(b);
        }
    }

    @Test
    void forwardsInOrderAcrossSegmentsAndRestartsAndReadsAnUnconfirmedBatchAgain() throws IOException {
        long now = System.currentTimeMillis();
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            for (int i = 0; i < 100; i++) {
                spool.append(entry(i, now));
            }
            assertTrue(segments() > 3, "several segments");
            Spool.Batch first = spool.peek(30);
            spool.forwarded(first);
            Spool.Batch unconfirmed = spool.peek(10);
            assertEquals("metrics/acme/hq/10.0.0.1:161/30", unconfirmed.entries().get(0).duplicateId());
            assertEquals(70, spool.waiting());
            Spooled again = spool.peek(10).entries().get(0);
            assertEquals(unconfirmed.entries().get(0), again, "a batch not confirmed is read again");
        }
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            assertEquals(70, spool.waiting(), "what was not forwarded is still there after a restart");
            assertEquals(List.of("note-30", "note-40", "note-50", "note-60", "note-70", "note-80", "note-90"), spool.notes(),
                    "the notes of the records waiting");
            spool.append(entry(100, now));
            List<Integer> rest = drain(spool, 7);
            List<Integer> expected = new ArrayList<>();
            for (int i = 30; i <= 100; i++) {
                expected.add(i);
            }
            assertEquals(expected, rest);
            assertEquals(0, spool.waiting());
            assertEquals(101, spool.forwardedCount());
            assertTrue(segments() <= 2, "forwarded segments are deleted");
        }
    }

    @Test
    void overItsSizeTheOldestAreDroppedAndCounted() throws IOException {
        long now = System.currentTimeMillis();
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            for (int i = 0; i < 1_000; i++) {
                spool.append(entry(i, now));
            }
            assertTrue(spool.dropped() > 0, "over 64 KiB some were dropped");
            assertTrue(spool.waitingBytes() <= SMALL, "the spool keeps to its bound: " + spool.waitingBytes());
            assertEquals(1_000, spool.waiting() + spool.dropped());
            List<Integer> kept = drain(spool, 50);
            assertEquals(1_000 - spool.dropped(), kept.size());
            assertEquals(spool.dropped(), (long) kept.get(0), "the oldest went: the first kept is the first not dropped");
            assertEquals(999, kept.get(kept.size() - 1));
        }
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            assertTrue(spool.dropped() > 0, "the count survives a restart");
        }
    }

    private long segments() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).count();
        }
    }

    @Test
    void aBatchThatFailedIsCountedWhenTheBoundDropsIt() throws IOException {
        long now = System.currentTimeMillis();
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            for (int i = 0; i < 100; i++) {
                spool.append(entry(i, now));
            }
            spool.peek(50);
            // the bus failed under the batch: it is the next to forward again
            spool.unpeek();
            for (int i = 100; i < 1_000; i++) {
                spool.append(entry(i, now));
            }
            assertEquals(1_000, spool.waiting() + spool.dropped(), "every record is waiting or counted as dropped");
            List<Integer> kept = drain(spool, 50);
            assertEquals(spool.dropped(), (long) kept.get(0));
        }
    }

    @Test
    void recordsThatAgeWhileWaitingAreSkippedAndCounted() throws Exception {
        long now = System.currentTimeMillis();
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofSeconds(2))) {
            for (int i = 0; i < 5; i++) {
                spool.append(entry(i, now));
            }
            Thread.sleep(2_100);
            Spool.Batch b = spool.peek(100);
            assertEquals(0, b.entries().size());
            assertEquals(5, b.expired());
            spool.forwarded(b);
            assertEquals(5, spool.dropped());
            assertEquals(0, spool.waiting());
        }
    }

    @Test
    void pastItsAgeTheOldestAreDroppedAndCounted() throws IOException {
        long now = System.currentTimeMillis();
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofMinutes(1))) {
            for (int i = 0; i < 10; i++) {
                spool.append(entry(i, now - Duration.ofMinutes(2).toMillis()));
            }
            for (int i = 10; i < 20; i++) {
                spool.append(entry(i, now));
            }
            assertEquals(List.of(10, 11, 12, 13, 14, 15, 16, 17, 18, 19), drain(spool, 100));
            assertEquals(10, spool.dropped());
        }
    }

    @Test
    void aRecordTornByACrashEndsItsSegment() throws IOException {
        long now = System.currentTimeMillis();
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            for (int i = 0; i < 5; i++) {
                spool.append(entry(i, now));
            }
        }
        Path last;
        try (var files = Files.list(dir)) {
            last = files.filter(p -> p.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        byte[] whole = entry(99, now).encode();
        Files.write(last, java.util.Arrays.copyOf(new byte[] {0, 0, 1, 0, 1, 2, 3, 4}, 8 + whole.length / 2), StandardOpenOption.APPEND);
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            assertEquals(5, spool.waiting());
            spool.append(entry(5, now));
            assertEquals(List.of(0, 1, 2, 3, 4, 5), drain(spool, 100));
        }
    }

    @Test
    void oneSpoolHasOnePoller() throws IOException {
        try (Spool spool = Spool.open(dir, SMALL, Duration.ofHours(1))) {
            IOException e = assertThrows(IOException.class, () -> Spool.open(dir, SMALL, Duration.ofHours(1)));
            assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("spool.dir"), e.getMessage());
        }
    }
}
