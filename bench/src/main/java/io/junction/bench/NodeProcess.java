package io.junction.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A node started through bin/junction in its own process, as an operator would run it. */
final class NodeProcess implements AutoCloseable {
    final int mainPort;
    final int amqpPort;
    final Path dataDir;
    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log, int mainPort, int amqpPort, Path dataDir) {
        this.process = process;
        this.log = log;
        this.mainPort = mainPort;
        this.amqpPort = amqpPort;
        this.dataDir = dataDir;
    }

    static NodeProcess start(Path launcher, Path workDir, Map<String, String> extra) throws Exception {
        Files.createDirectories(workDir);
        int mainPort = freePort();
        int amqpPort = freePort();
        Path data = workDir.resolve("data");
        StringBuilder config = new StringBuilder()
                .append("data.dir=").append(data).append('\n')
                .append("acceptors=main,amqp\n")
                .append("acceptor.main.port=").append(mainPort).append('\n')
                .append("acceptor.amqp.port=").append(amqpPort).append('\n');
        extra.forEach((k, v) -> config.append(k).append('=').append(v).append('\n'));
        Path file = workDir.resolve("node.properties");
        Files.writeString(file, config);
        Path log = workDir.resolve("node.log");
        Process p = new ProcessBuilder(List.of(launcher.toString(), "node", "start", "--config", file.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("Press Ctrl-C")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("node did not start; its log " + log + " says:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return new NodeProcess(p, log, mainPort, amqpPort, data);
    }

    String journalLine() throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.trim().startsWith("journal:")).map(String::trim)
                .collect(Collectors.joining());
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
