package io.junction.consume.metric;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import org.rrd4j.core.RrdBackend;
import org.rrd4j.core.RrdBackendAnnotation;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdFileBackend;
import org.rrd4j.core.RrdFileBackendFactory;

/**
 * RRD files read and written in few system calls. RRD4J reads and writes a file one primitive at a time (a double, an
 * int): opening one meant some sixty reads, and an update some twenty writes a value. Here reads and writes go to 1 KiB
 * blocks read once, and the writes wait in memory until {@link #flush(RrdDb)}, which writes each block's written span
 * (neighbours joined) with one positional write: an update of all the values of one interface (the state and a row of
 * every archive, the rows of a version-2 file holding every data source side by side) is about a dozen writes.
 * Written through the page cache, never forced to disk: what {@link #flush(RrdDb)} wrote survives the process being
 * killed, as the plain file backend's writes did.
 */
@RrdBackendAnnotation(name = "JUNCTION-BUFFERED", shouldValidateHeader = true)
final class BufferedRrdFiles extends RrdFileBackendFactory {
    @Override
    protected RrdBackend open(String path, boolean readOnly) throws IOException {
        return new Backend(path, readOnly);
    }

    /** Writes what {@code db} holds unwritten (nothing when its backend is another kind). */
    static void flush(RrdDb db) throws IOException {
        if (db.getRrdBackend() instanceof Backend b) {
            b.flush();
        }
    }

    static final class Backend extends RrdBackend implements RrdFileBackend {
        /**
         * Small enough that the blocks an update writes, kept until the next (some 14 KiB a file held open, about 55 MB
         * at the default 4,000), cost little; large enough to join neighbours.
         */
        private static final int BLOCK = 1024;
        /** Reads at most this long go through the blocks; longer ones (a fetch's rows) go to the file. */
        private static final int CACHED_READ = 512;
        private final RandomAccessFile file;
        private final FileChannel channel;
        /** The blocks read or written since the flush before last, by number; each as the file holds it once flushed. */
        private final Map<Long, Block> blocks = new HashMap<>();
        /** The file's length once flushed. */
        private long length;

        /** A block's bytes, and the span of them written since the last flush. */
        private static final class Block {
            final byte[] data = new byte[BLOCK];
            int dirtyFrom = BLOCK;
            int dirtyTo;

            boolean dirty() {
                return dirtyTo > dirtyFrom;
            }
        }

        Backend(String path, boolean readOnly) throws IOException {
            super(path);
            this.file = new RandomAccessFile(path, readOnly ? "r" : "rw");
            this.channel = file.getChannel();
            this.length = channel.size();
        }

        /** What is done with the part of a read or write in one block: bytes {@code from} to {@code from + n} of it. */
        private interface InBlock {
            void at(long number, int from, int n, int done) throws IOException;
        }

        /** {@code what} for each block that bytes {@code offset} to {@code offset + length} fall in, in order. */
        private static void eachBlock(long offset, int length, InBlock what) throws IOException {
            int done = 0;
            while (done < length) {
                long at = offset + done;
                int from = (int) (at % BLOCK);
                int n = Math.min(length - done, BLOCK - from);
                what.at(at / BLOCK, from, n, done);
                done += n;
            }
        }

        @Override
        protected void write(long offset, byte[] b) throws IOException {
            eachBlock(offset, b.length, (number, from, n, done) -> {
                Block block = blocks.get(number);
                if (block == null) {
                    // a block written whole need not be read first
                    block = from == 0 && n == BLOCK ? new Block() : load(number);
                    blocks.put(number, block);
                }
                System.arraycopy(b, done, block.data, from, n);
                block.dirtyFrom = Math.min(block.dirtyFrom, from);
                block.dirtyTo = Math.max(block.dirtyTo, from + n);
            });
            length = Math.max(length, offset + b.length);
        }

        @Override
        protected void read(long offset, byte[] b) throws IOException {
            if (offset + b.length > length) {
                throw new IOException("not enough bytes in file " + getPath() + " at offset " + offset);
            }
            if (b.length > CACHED_READ) {
                flush();
                readFully(offset, ByteBuffer.wrap(b));
                return;
            }
            eachBlock(offset, b.length, (number, from, n, done) -> {
                Block block = blocks.get(number);
                if (block == null) {
                    block = load(number);
                    blocks.put(number, block);
                }
                System.arraycopy(block.data, from, b, done, n);
            });
        }

        private Block load(long number) throws IOException {
            Block block = new Block();
            long start = number * BLOCK;
            int n = (int) Math.max(0, Math.min(BLOCK, channel.size() - start));
            if (n > 0) {
                readFully(start, ByteBuffer.wrap(block.data, 0, n));
            }
            return block;
        }

        private void readFully(long offset, ByteBuffer into) throws IOException {
            long at = offset;
            while (into.hasRemaining()) {
                int n = channel.read(into, at);
                if (n < 0) {
                    throw new IOException("not enough bytes in file " + getPath() + " at offset " + at);
                }
                at += n;
            }
        }

        /**
         * Writes what was written since the last flush, the dirty spans of neighbouring blocks joined into one write;
         * keeps only the blocks just written (those the next update writes again).
         */
        void flush() throws IOException {
            List<Long> dirty = new ArrayList<>();
            for (Map.Entry<Long, Block> e : blocks.entrySet()) {
                if (e.getValue().dirty()) {
                    dirty.add(e.getKey());
                }
            }
            if (dirty.isEmpty()) {
                blocks.clear();
                return;
            }
            dirty.sort(null);
            List<ByteBuffer> spans = new ArrayList<>();
            List<Long> at = new ArrayList<>();
            int i = 0;
            while (i < dirty.size()) {
                long first = dirty.get(i);
                int j = i;
                // join the next block when this one is dirty to its end and the next from its start
                while (j + 1 < dirty.size() && dirty.get(j + 1) == dirty.get(j) + 1 && blocks.get(dirty.get(j)).dirtyTo == BLOCK
                        && blocks.get(dirty.get(j + 1)).dirtyFrom == 0) {
                    j++;
                }
                Block start = blocks.get(first);
                Block end = blocks.get(dirty.get(j));
                long from = first * BLOCK + start.dirtyFrom;
                long to = dirty.get(j) * BLOCK + end.dirtyTo;
                ByteBuffer buffer;
                if (i == j) {
                    buffer = ByteBuffer.wrap(start.data, start.dirtyFrom, start.dirtyTo - start.dirtyFrom);
                } else {
                    buffer = ByteBuffer.allocate((int) (to - from));
                    for (int k = i; k <= j; k++) {
                        Block b = blocks.get(dirty.get(k));
                        buffer.put(b.data, b.dirtyFrom, b.dirtyTo - b.dirtyFrom);
                    }
                    buffer.flip();
                }
                spans.add(buffer);
                at.add(from);
                i = j + 1;
            }
            // the first block (the header, with the time of the last update) written last, as RRD4J itself sets that time
            // last: a process killed halfway most likely leaves the file's time before the update, whose poll is then
            // applied again when delivered again (some archives possibly twice, as with RRD4J's own file backend)
            // rather than refused as stored
            for (int k = spans.size() - 1; k >= 0; k--) {
                long position = at.get(k);
                ByteBuffer buffer = spans.get(k);
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
            }
            blocks.values().removeIf(b -> !b.dirty());
            for (Block b : blocks.values()) {
                b.dirtyFrom = BLOCK;
                b.dirtyTo = 0;
            }
        }

        @Override
        public long getLength() {
            return length;
        }

        @Override
        protected void setLength(long newLength) throws IOException {
            flush();
            blocks.clear();
            file.setLength(newLength);
            length = newLength;
        }

        @Override
        protected void close() throws IOException {
            try {
                flush();
            } finally {
                file.close();
            }
        }

        @Override
        public String getCanonicalPath() {
            return Paths.get(getPath()).toAbsolutePath().normalize().toString();
        }
    }
}
