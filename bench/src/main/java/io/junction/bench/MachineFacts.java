package io.junction.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The facts a benchmark figure needs beside it: CPU, cores, memory, kernel, JVM and the data disk. */
final class MachineFacts {
    private MachineFacts() {
    }

    static String describe(Path dataDir) throws IOException {
        String cpu = firstMatching(Path.of("/proc/cpuinfo"), "model name").replaceFirst("model name\\s*:\\s*", "");
        String mem = firstMatching(Path.of("/proc/meminfo"), "MemTotal").replaceFirst("MemTotal:\\s*", "");
        FileStore store = Files.getFileStore(dataDir);
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + mem + " memory, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java " + Runtime.version()
                + ", data on " + store.name() + " (" + store.type() + ").";
    }

    private static String firstMatching(Path file, String prefix) throws IOException {
        if (!Files.isReadable(file)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst().orElse("unknown");
        }
    }
}
