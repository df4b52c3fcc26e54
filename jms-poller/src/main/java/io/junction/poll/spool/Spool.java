package io.junction.poll.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poller's messages waiting for the bus, on local disk: segment files of records ({@code [length][crc32][record]}),
 * appended in the order they were made and forwarded in that order. Bounded by age and by size: past either, the
 * oldest segment goes and its records not yet forwarded are counted as dropped. The position of the next record to
 * forward, and the counts, are in {@code position}, replaced atomically after each forwarded batch; a record torn by a
 * crash ends its segment. The directory is locked: one poller per spool. Thread-safe.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final int HEADER = Segment.HEADER;
    private static final long FORCE_EVERY_MS = 1_000;

    private final Path dir;
    private final long maxBytes;
    private final long maxAgeMs;
    private final long segmentBytes;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment current;
    private FileChannel writing;
    /** The next record to forward, and where the last {@link #peek} ended (the same when no batch is out). */
    private Pointer position;
    private Pointer peeked;
    private long dropped;
    private long forwarded;
    private long lastForce;

    private record Pointer(long seq, long offset, int index) {
    }

    /** Records read for forwarding, and how many of the oldest were past the age bound and skipped. */
    public record Batch(List<Spooled> entries, int expired) {
    }

    private Spool(Path dir, long maxBytes, Duration maxAge, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxAgeMs = maxAge.toMillis();
        this.segmentBytes = Math.max(4_096, Math.min(64L << 20, maxBytes / 16));
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Opens (or makes) the spool in {@code dir}; fails if another process holds it. */
    public static Spool open(Path dir, long maxBytes, Duration maxAge) throws IOException {
        Files.createDirectories(dir);
        Segment.restrict(dir, "rwx------");
        FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new IOException("spool " + dir + " is held by another poller: give each poller its own spool.dir");
        }
        Spool spool = new Spool(dir, maxBytes, maxAge, lockFile, lock);
        try {
            spool.load();
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockFile.close();
            throw e instanceof IOException io ? io : new IOException("spool " + dir + " cannot be read: " + e.getMessage(), e);
        }
        return spool;
    }

    private void load() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("[0-9]{20}\\.seg")).sorted().toList()) {
                Segment s = new Segment(Long.parseLong(p.getFileName().toString().replace(".seg", "")), p);
                s.scan(dir);
                segments.put(s.seq, s);
            }
        }
        long next = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        Path positionFile = dir.resolve("position");
        position = new Pointer(next, 0, 0);
        if (Files.exists(positionFile)) {
            String[] f = Files.readString(positionFile).trim().split(" ");
            if (f.length != 5 || !String.join(" ", f).matches("[0-9 ]+")) {
                throw new IOException("spool " + positionFile + " is not a position (SEGMENT OFFSET INDEX DROPPED FORWARDED): remove it to"
                        + " forward the whole spool again");
            }
            dropped = Long.parseLong(f[3]);
            forwarded = Long.parseLong(f[4]);
            long seq = Long.parseLong(f[0]);
            Segment s = segments.get(seq);
            if (s != null && Long.parseLong(f[1]) <= s.bytes) {
                position = new Pointer(seq, Long.parseLong(f[1]), Integer.parseInt(f[2]));
            } else if (segments.ceilingKey(seq) != null) {
                position = new Pointer(segments.ceilingKey(seq), 0, 0);
            }
        } else if (!segments.isEmpty()) {
            position = new Pointer(segments.firstKey(), 0, 0);
        }
        segments.headMap(position.seq()).values().forEach(this::delete);
        segments.headMap(position.seq()).clear();
        peeked = position;
        roll(next);
    }

    /** Appends {@code s}; past a bound, drops the oldest. */
    public synchronized void append(Spooled s) throws IOException {
        byte[] record = s.encode();
        long now = System.currentTimeMillis();
        if (current.records > 0 && (current.bytes + HEADER + record.length > segmentBytes || now - current.oldestAt > maxAgeMs / 8)) {
            roll(current.seq + 1);
        }
        ByteBuffer buf = Segment.frame(record);
        while (buf.hasRemaining()) {
            writing.write(buf, current.bytes + buf.position());
        }
        current.bytes += HEADER + record.length;
        current.records++;
        current.oldestAt = Math.min(current.oldestAt, s.createdAt());
        current.newestAt = Math.max(current.newestAt, s.createdAt());
        bound(now);
        if (now - lastForce >= FORCE_EVERY_MS) {
            writing.force(false);
            lastForce = now;
        }
    }

    /** Drops the oldest segments while the spool is over its size, or they are all past its age. */
    private void bound(long now) throws IOException {
        boolean changed = false;
        while (segments.size() > 1 && (bytes() > maxBytes || segments.firstEntry().getValue().newestAt < now - maxAgeMs)) {
            Segment s = segments.pollFirstEntry().getValue();
            int taken = peeked.seq() > s.seq ? s.records : peeked.seq() == s.seq ? peeked.index() : 0;
            dropped += s.records - taken;
            Pointer start = new Pointer(segments.firstKey(), 0, 0);
            if (position.seq() <= s.seq) {
                position = start;
            }
            if (peeked.seq() <= s.seq) {
                peeked = start;
            }
            delete(s);
            changed = true;
        }
        if (changed) {
            savePosition();
        }
    }

    /** Up to {@code max} records from the next one to forward (a batch not confirmed is read again). */
    public synchronized Batch peek(int max) throws IOException {
        List<Spooled> out = new ArrayList<>();
        int expired = 0;
        long oldest = System.currentTimeMillis() - maxAgeMs;
        Pointer p = position;
        while (out.size() < max) {
            Segment s = segments.get(p.seq());
            if (s == null) {
                break;
            }
            if (p.index() >= s.records) {
                Long next = segments.higherKey(s.seq);
                if (next == null) {
                    break;
                }
                p = new Pointer(next, 0, 0);
                continue;
            }
            byte[] record;
            try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
                record = Segment.read(ch, p.offset(), s.bytes);
            }
            if (record == null) {
                // a segment damaged after it was written: the rest of it is lost, counted as dropped
                LOG.error("Spool {}: record {} of {} cannot be read; the {} records from it on are dropped", dir, p.index(), s.path.getFileName(),
                        s.records - p.index());
                expired += s.records - p.index();
                p = new Pointer(p.seq(), s.bytes, s.records);
                continue;
            }
            Spooled e = Spooled.decode(record);
            if (e.createdAt() < oldest) {
                expired++;
            } else {
                out.add(e);
            }
            p = new Pointer(p.seq(), p.offset() + HEADER + record.length, p.index() + 1);
        }
        peeked = p;
        return new Batch(out, expired);
    }

    /** The notes of the records waiting, oldest first (a full read of the spool: for a restart). */
    public synchronized List<String> notes() throws IOException {
        List<String> notes = new ArrayList<>();
        Pointer p = position;
        for (Segment s : segments.tailMap(position.seq(), true).values()) {
            long offset = s.seq == p.seq() ? p.offset() : 0;
            try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
                while (offset < s.bytes) {
                    byte[] record = Segment.read(ch, offset, s.bytes);
                    if (record == null) {
                        break;
                    }
                    String note = Spooled.decode(record).note();
                    if (note != null) {
                        notes.add(note);
                    }
                    offset += HEADER + record.length;
                }
            }
        }
        return notes;
    }

    /** The last {@link #peek}'s records did not reach the bus: they are the next to forward (and may be dropped as such). */
    public synchronized void unpeek() {
        peeked = position;
    }

    /** The last {@link #peek}'s records are on the bus: they are not forwarded again. */
    public synchronized void forwarded(Batch b) throws IOException {
        position = peeked;
        forwarded += b.entries().size();
        dropped += b.expired();
        for (Segment s : new ArrayList<>(segments.headMap(position.seq()).values())) {
            segments.remove(s.seq);
            delete(s);
        }
        if (position.seq() == current.seq && position.index() == current.records && current.records > 0) {
            roll(current.seq + 1);
            segments.remove(position.seq());
            delete(segmentFor(position.seq()));
            position = new Pointer(current.seq, 0, 0);
            peeked = position;
        }
        savePosition();
    }

    private Segment segmentFor(long seq) {
        return new Segment(seq, dir.resolve(String.format("%020d.seg", seq)));
    }

    /** Records waiting to be forwarded. */
    public synchronized long waiting() {
        long n = 0;
        for (Segment s : segments.tailMap(position.seq(), true).values()) {
            n += s.records;
        }
        return n - position.index();
    }

    /** Bytes on disk not yet forwarded (about: whole records). */
    public synchronized long waitingBytes() {
        return Math.max(0, bytes() - position.offset());
    }

    /** When the oldest waiting record was made (epoch ms, about: its segment's oldest), or 0 if none waits. */
    public synchronized long oldestWaiting() {
        Segment s = segments.get(position.seq());
        return waiting() == 0 || s == null ? 0 : s.oldestAt;
    }

    /** Records dropped, over a bound, since the spool was made. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Records forwarded since the spool was made. */
    public synchronized long forwardedCount() {
        return forwarded;
    }

    private long bytes() {
        long n = 0;
        for (Segment s : segments.tailMap(position.seq(), true).values()) {
            n += s.bytes;
        }
        return n;
    }

    private void roll(long seq) throws IOException {
        if (writing != null) {
            writing.force(false);
            writing.close();
        }
        current = segmentFor(seq);
        segments.put(seq, current);
        writing = FileChannel.open(current.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        writing.truncate(0);
        Segment.restrict(current.path, "rw-------");
    }

    private void savePosition() throws IOException {
        Path tmp = dir.resolve("position.tmp");
        String line = position.seq() + " " + position.offset() + " " + position.index() + " " + dropped + " " + forwarded + "\n";
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            ch.force(false);
        }
        Files.move(tmp, dir.resolve("position"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void delete(Segment s) {
        try {
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            LOG.warn("Spool {}: could not delete {}: {}", dir, s.path.getFileName(), e.toString());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            writing.force(false);
            writing.close();
            savePosition();
        } finally {
            lock.release();
            lockFile.close();
        }
    }
}
