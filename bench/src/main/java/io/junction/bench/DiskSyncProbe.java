package io.junction.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * The disk's synchronous-write rate: append 1 KiB and fdatasync, in a loop. This is the physical ceiling of a durable
 * send that is not batched with others.
 */
final class DiskSyncProbe {
    private DiskSyncProbe() {
    }

    static Result run(Path dir, double seconds) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe", ".dat");
        Histogram latency = new Histogram(3);
        ByteBuffer block = ByteBuffer.allocateDirect(1024);
        long count = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                block.clear();
                channel.write(block);
                channel.force(false);
                latency.recordValue((System.nanoTime() - t0) / 1000);
                count++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Result(count / elapsed, latency);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    record Result(double opsPerSecond, Histogram latencyMicros) {
    }
}
