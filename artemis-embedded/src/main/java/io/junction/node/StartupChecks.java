package io.junction.node;

import io.junction.config.Config;
import io.junction.config.Sizes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * What must hold before a broker starts, each failure reported as a one-line {@code ConfigException} that names
 * the file, the key and the problem: a writable data directory no other node holds, free and distinct ports, memory
 * within the heap.
 */
final class StartupChecks {
    private StartupChecks() {
    }

    static Path dataDirectory(Config config) {
        Path dir = Path.of(config.get(NodeConfig.DATA_DIR)).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw config.invalid(NodeConfig.DATA_DIR, "directory " + dir + " is not writable (" + describe(e) + ")");
        }
        return dir;
    }

    /**
     * Refuses a data directory another running node holds: Artemis would otherwise wait forever for its journal lock.
     */
    static void notInUse(Config config, Path dataDir) {
        // Artemis holds serverlock.1 while a primary broker runs on this journal
        Path lockFile = dataDir.resolve("journal").resolve("serverlock.1");
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw config.invalid(NodeConfig.DATA_DIR, "directory " + dataDir + " is in use by another running node");
            }
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw config.invalid(NodeConfig.DATA_DIR, "directory " + dataDir + " is in use by another node in this process");
        } catch (IOException e) {
            throw config.invalid(NodeConfig.DATA_DIR, "cannot check " + lockFile + " (" + describe(e) + ")");
        }
    }

    static void ports(Config config) {
        InetAddress bind;
        try {
            bind = InetAddress.getByName(config.get(NodeConfig.BIND_ADDRESS));
        } catch (IOException e) {
            throw config.invalid(NodeConfig.BIND_ADDRESS, "unknown host or address");
        }
        Map<Integer, Acceptor> used = new HashMap<>();
        for (String name : config.get(NodeConfig.ACCEPTORS)) {
            Acceptor acceptor = Acceptor.named(name);
            int port = config.get(acceptor.portKey());
            Acceptor other = used.putIfAbsent(port, acceptor);
            if (other != null) {
                throw config.invalid(acceptor.portKey(), "port " + port + " is also used by " + other.portKey().name());
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(bind, port));
            } catch (IOException e) {
                throw config.invalid(acceptor.portKey(), "port " + port + " on " + bind.getHostAddress() + " is in use or cannot be bound ("
                        + describe(e) + ")");
            }
        }
    }

    static void memory(Config config, long maxHeap) {
        long global = config.get(NodeConfig.GLOBAL_MAX_SIZE);
        if (global >= maxHeap) {
            throw config.invalid(NodeConfig.GLOBAL_MAX_SIZE, "must be below the JVM max heap of " + Sizes.format(maxHeap)
                    + "; lower it or raise the heap (JUNCTION_HEAP)");
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
