package io.junction.node;

import io.junction.config.Config;
import io.junction.config.ConfigKey;
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
public final class StartupChecks {
    private StartupChecks() {
    }

    public static Path dataDirectory(Config config) {
        Path dir = Path.of(config.get(NodeConfig.DATA_DIR)).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw config.invalid(NodeConfig.DATA_DIR, "directory " + dir + " is not writable (" + describe(e) + ")");
        }
        ownerOnly(config, dir);
        return dir;
    }

    /**
     * Makes the data directory and everything in it readable by its owner alone: messages, journals and credentials
     * are the tenants' data. Artemis creates its files with the process's umask (bin/junction sets 077); the closed
     * directory keeps any file it creates more openly out of other local users' reach.
     */
    private static void ownerOnly(Config config, Path dir) {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> dirs = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
        java.util.Set<java.nio.file.attribute.PosixFilePermission> files = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setPosixFilePermissions(p, Files.isDirectory(p) ? dirs : files);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw config.invalid(NodeConfig.DATA_DIR, "cannot make " + dir + " readable by its owner alone (" + e.getMessage() + ")");
        }
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
        memory(config, maxHeap, 1);
    }

    /** {@code brokers} brokers in this process, each allowed {@code memory.global-max-size}, must fit in the heap. */
    public static void memory(Config config, long maxHeap, int brokers) {
        long global = config.get(NodeConfig.GLOBAL_MAX_SIZE);
        if (global * brokers >= maxHeap) {
            throw config.invalid(NodeConfig.GLOBAL_MAX_SIZE, (brokers == 1 ? "must be below" : "times the " + brokers
                    + " brokers of a cluster node must be below") + " the JVM max heap of " + Sizes.format(maxHeap)
                    + "; lower it or raise the heap (JUNCTION_HEAP)");
        }
    }

    /**
     * Holds {@code node.lock} in the data directory for the life of the process, so that a second node on the same
     * directory stops at once instead of sharing journals; throws a one-line error if another process holds it.
     */
    public static FileChannel lockDataDirectory(Config config, Path dataDir) {
        Path lockFile = dataDir.resolve("node.lock");
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw config.invalid(NodeConfig.DATA_DIR, "directory " + dataDir + " is in use by another running node");
            }
            return channel;
        } catch (IOException e) {
            throw config.invalid(NodeConfig.DATA_DIR, "cannot lock " + lockFile + " (" + describe(e) + ")");
        }
    }

    /** Refuses a port that is in use on {@code host}, naming {@code key} and what the port is for. */
    public static void portFree(Config config, ConfigKey<?> key, String host, int port, String use) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw config.invalid(key, "port " + port + " (" + use + ") on " + host + " is in use or cannot be bound (" + describe(e) + ")");
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
