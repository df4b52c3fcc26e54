package io.junction.poll.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file of a {@link Spool}: records {@code [length][crc32][record]} appended in order, with how many it
 * holds, its size and the times of its oldest and newest record. Not thread-safe: the spool's lock guards it.
 */
final class Segment {
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);
    /** A record's length and checksum, before it. */
    static final int HEADER = 8;

    final long seq;
    final Path path;
    long bytes;
    int records;
    long oldestAt = Long.MAX_VALUE;
    long newestAt;

    Segment(long seq, Path path) {
        this.seq = seq;
        this.path = path;
    }

    /** Counts the file's records; a torn or corrupt record and all after it are cut off. */
    void scan(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long offset = 0;
            long size = ch.size();
            while (offset < size) {
                byte[] record = read(ch, offset, size);
                if (record == null) {
                    LOG.warn("Spool {}: {} ends in a torn or corrupt record at byte {}; cut there", dir, path.getFileName(), offset);
                    ch.truncate(offset);
                    break;
                }
                long at = ByteBuffer.wrap(record).getLong();
                oldestAt = Math.min(oldestAt, at);
                newestAt = Math.max(newestAt, at);
                records++;
                offset += HEADER + record.length;
            }
            bytes = offset;
        }
    }

    /** The record at {@code offset}, or null if it is torn or its checksum is wrong. */
    static byte[] read(FileChannel ch, long offset, long size) throws IOException {
        if (size - offset < HEADER) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        ch.read(header, offset);
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        if (length < 8 || length > size - offset - HEADER) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        while (body.hasRemaining() && ch.read(body, offset + HEADER + body.position()) > 0) {
            // read on
        }
        CRC32 check = new CRC32();
        check.update(body.array());
        return (int) check.getValue() == crc ? body.array() : null;
    }

    /** {@code record} framed for the file: its length, its checksum, itself. */
    static ByteBuffer frame(byte[] record) {
        CRC32 crc = new CRC32();
        crc.update(record);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + record.length).putInt(record.length).putInt((int) crc.getValue()).put(record);
        buf.flip();
        return buf;
    }

    /** Sets {@code p}'s POSIX permissions where the file system has them. */
    static void restrict(Path p, String permissions) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Spool: cannot restrict {}: {}", p, e.toString());
        }
    }
}
