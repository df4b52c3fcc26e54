package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.cluster.ops.LocalCluster;
import io.junction.node.RunningNode;
import io.junction.testing.ChildJvm;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node as its own process, started by the real main: kill -9, SIGTERM, and a bad configuration. */
class NodeProcessTest {
    private static final String MAIN = JunctionCli.class.getName();

    @TempDir
    Path dir;

    private Path writeConfig(Map<String, String> settings) throws Exception {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
        return file;
    }

    private ChildJvm startNode(Path config, String logName) {
        return startNode(config, logName, List.of());
    }

    private ChildJvm startNode(Path config, String logName, List<String> jvmOptions) {
        ChildJvm node = ChildJvm.start(dir.resolve(logName), jvmOptions, MAIN, "node", "start", "--config", config.toString());
        Waits.until(Duration.ofSeconds(60), "node to start (log " + dir.resolve(logName) + ")",
                () -> node.output().contains("Press Ctrl-C to stop.") || !node.isAlive());
        assertTrue(node.isAlive(), node.output());
        return node;
    }

    @Test
    void killDashNineLosesNoAcknowledgedMessage() throws Exception {
        Map<String, String> settings = RunningNode.freePortSettings(dir.resolve("data"));
        Path config = writeConfig(settings);
        String url = "tcp://127.0.0.1:" + settings.get("acceptor.main.port") + "?reconnectAttempts=0";
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();

        try (ChildJvm node = startNode(config, "node-1.log")) {
            Credentials admin = Credentials.read(dir.resolve("data").resolve(Credentials.FILE_NAME));
            // standard output here is a file, as under a service manager: the password is named, never written there
            assertFalse(node.output().contains(admin.password()), "the first admin's password went to a non-interactive output");
            assertTrue(node.output().contains("Its password is in " + dir.resolve("data").resolve(Credentials.FILE_NAME)), node.output());
            Thread producer = new Thread(() -> {
                try (Connection c = new ActiveMQConnectionFactory(url).createConnection(admin.user(), admin.password())) {
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer p = session.createProducer(session.createQueue("crash.q"));
                    p.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = 0; i < 100_000; i++) {
                        Message m = session.createTextMessage("m" + i);
                        m.setStringProperty("seq", "m" + i);
                        p.send(m); // blocks until the broker has the message on disk
                        acknowledged.add("m" + i);
                    }
                } catch (Exception e) {
                    sendFailure.set(e);
                }
            }, "crash-producer");
            producer.start();
            Waits.until(Duration.ofSeconds(60), "300 acknowledged sends", () -> acknowledged.size() >= 300);
            node.killHard();
            producer.join(30_000);
            assertTrue(sendFailure.get() != null, "the producer must have seen the node die");
        }

        try (ChildJvm node = startNode(config, "node-2.log")) {
            Credentials admin = Credentials.read(dir.resolve("data").resolve(Credentials.FILE_NAME));
            Set<String> received = new HashSet<>();
            int duplicates = 0;
            try (Connection c = new ActiveMQConnectionFactory(url).createConnection(admin.user(), admin.password())) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("crash.q"));
                for (Message m = consumer.receive(5_000); m != null; m = consumer.receive(2_000)) {
                    if (!received.add(m.getStringProperty("seq"))) {
                        duplicates++;
                    }
                }
            }
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(received);
            assertEquals(Set.of(), lost, "acknowledged messages lost by kill -9 (" + acknowledged.size() + " acknowledged)");
            assertEquals(0, duplicates, "a message stored once was delivered twice");
            assertTrue(received.size() <= acknowledged.size() + 1, "at most the one in-flight send may be stored unacknowledged");
            assertEquals(0, node.terminate(Duration.ofSeconds(30)) & ~0x80 & ~0x0F, "unexpected exit on SIGTERM");
        }
    }

    @Test
    void jsonBannerIsOneObjectWithoutThePassword() throws Exception {
        Map<String, String> settings = RunningNode.freePortSettings(dir.resolve("data"));
        Path config = writeConfig(settings);
        try (ChildJvm node = ChildJvm.start(dir.resolve("json.log"), List.of(), MAIN, "node", "start", "--config", config.toString(), "--json")) {
            Waits.until(Duration.ofSeconds(60), "the JSON banner (log " + dir.resolve("json.log") + ")",
                    () -> node.output().lines().anyMatch(l -> l.startsWith("{\"node\"")) || !node.isAlive());
            String line = node.output().lines().filter(l -> l.startsWith("{\"node\"")).findFirst().orElseThrow(() -> new AssertionError(node.output()));
            org.apache.activemq.artemis.json.JsonObject banner = org.apache.activemq.artemis.utils.JsonLoader.readObject(new java.io.StringReader(line));
            assertEquals("tcp://127.0.0.1:" + settings.get("acceptor.main.port"), banner.getJsonObject("acceptors").getString("main"), line);
            assertEquals(dir.resolve("data").toString(), banner.getString("data"), line);
            assertTrue(banner.getString("journal").startsWith("AIO") || banner.getString("journal").startsWith("NIO"), line);
            Path file = dir.resolve("data").resolve(Credentials.FILE_NAME);
            assertEquals(file.toString(), banner.getJsonObject("adminCreated").getString("credentials"), line);
            assertFalse(node.output().contains(Credentials.read(file).password()), "the first admin's password went to standard output");
            assertFalse(node.output().contains("Press Ctrl-C"), "no human banner beside the JSON one");
        }
    }

    @Test
    void clusterNodeJsonBannerNamesItsBrokersAndZooKeeper() throws Exception {
        LocalCluster home = new LocalCluster(dir.resolve("cluster"));
        int base = freeBase();
        home.create(3, "127.0.0.1", base);
        // node 1 alone: its banner comes before any broker is active (that needs a majority of the nodes)
        try (ChildJvm node = ChildJvm.start(dir.resolve("cluster-json.log"), List.of(), MAIN, "node", "start", "--config", home.config(1).toString(),
                "--json")) {
            Waits.until(Duration.ofSeconds(60), "the JSON banner (log " + dir.resolve("cluster-json.log") + ")",
                    () -> node.output().lines().anyMatch(l -> l.startsWith("{\"clusterNode\"")) || !node.isAlive());
            String line = node.output().lines().filter(l -> l.startsWith("{\"clusterNode\"")).findFirst().orElseThrow(() -> new AssertionError(node.output()));
            org.apache.activemq.artemis.json.JsonObject banner = org.apache.activemq.artemis.utils.JsonLoader.readObject(new java.io.StringReader(line));
            assertEquals(1, banner.getInt("clusterNode"), line);
            assertEquals(3, banner.getInt("nodes"), line);
            assertEquals("tcp://127.0.0.1:" + (base + 10), banner.getJsonObject("primary").getString("url"), line);
            assertEquals("g1", banner.getJsonObject("primary").getString("group"), line);
            assertEquals("g3", banner.getJsonObject("backup").getString("group"), line);
            assertEquals("127.0.0.1:" + (base + 12), banner.getJsonObject("zooKeeper").getString("connect"), line);
            assertTrue(banner.getJsonObject("zooKeeper").getBoolean("embedded"), line);
            assertFalse(node.output().contains("Press Ctrl-C"), "no human banner beside the JSON one");
        }
    }

    /** A base port whose three nodes' five ports each (base+10 to base+34) are free now, below the ephemeral range. */
    private static int freeBase() {
        return io.junction.testing.FreePorts.block(40) - 10;
    }

    @Test
    void sigtermStopsTheNodeCleanly() throws Exception {
        Path config = writeConfig(RunningNode.freePortSettings(dir.resolve("data")));
        // the logging configuration that ships in etc/, as bin/junction uses it
        String shipped = "-Dlog4j2.configurationFile=" + Path.of("..", "etc", "log4j2.properties").toAbsolutePath().normalize();
        try (ChildJvm node = startNode(config, "node.log", List.of(shipped))) {
            boolean libaio = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libaio.so.1")) || Files.exists(Path.of("/lib/x86_64-linux-gnu/libaio.so.1"));
            assertTrue(node.output().contains(libaio ? "journal: AIO (libaio available)" : "journal: NIO (libaio is not available"),
                    "the node must say which journal it runs:\n" + node.output());

            Map<String, String> second = new HashMap<>(RunningNode.freePortSettings(dir.resolve("data")));
            Path secondConfig = dir.resolve("second.properties");
            Files.writeString(secondConfig, second.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
            CliRun twice = CliRun.of("node", "start", "--config", secondConfig.toString());
            assertEquals(1, twice.exitCode(), "a second node on the same data must be refused, not hang");
            assertTrue(twice.errorLine().endsWith("is in use by another running node"), twice.err());

            int exit = node.terminate(Duration.ofSeconds(30));
            assertEquals(143, exit, "a JVM ended by SIGTERM exits 128+15");
            String log = node.output();
            assertTrue(log.contains("Node junction-1 stopping") && log.contains("Node junction-1 stopped"), log);
            String stopped = log.lines().filter(l -> l.contains("Node junction-1 stopped")).findFirst().orElseThrow();
            assertTrue(stopped.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (Z|[+-]\\d{2}:\\d{2}) INFO .*"),
                    "a log line carries date, time and zone: " + stopped);
            assertTrue(!log.contains("Exception"), log);
        }
    }

    @Test
    void badConfigurationGivesOneLineAndExitCodeOne() throws Exception {
        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "acceptor.main.prot=61616\n");
        try (ChildJvm node = ChildJvm.start(dir.resolve("bad.log"), List.of(), MAIN, "node", "start", "--config", config.toString())) {
            assertEquals(1, node.waitFor(Duration.ofSeconds(60)));
            assertEquals("junction: Unknown configuration key acceptor.main.prot in " + config + ": did you mean acceptor.main.port?",
                    node.output().strip());
        }
    }

    @Test
    void badValuesPortsInUseUnwritableDataAndMissingFilesAreOneLineFailures() throws Exception {
        Path config = dir.resolve("n.properties");
        Files.writeString(config, "acceptor.amqp.port=99999\n");
        CliRun badPort = CliRun.of("node", "start", "--config", config.toString());
        assertEquals(1, badPort.exitCode());
        assertEquals("junction: Invalid value 99999 for configuration acceptor.amqp.port in " + config
                + ": a port must be between 1 and 65535", badPort.errorLine());

        Files.writeString(config, "journal.buffer-timeout=500\n");
        assertEquals("junction: Invalid value 500 for configuration journal.buffer-timeout in " + config
                + ": expected a number with a unit: ns, us, ms, s, m, h or d (e.g. 200us, 30s, 2d)",
                CliRun.of("node", "start", "--config", config.toString()).errorLine());

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> settings = new HashMap<>(RunningNode.freePortSettings(dir.resolve("data")));
            settings.put("acceptor.main.port", String.valueOf(taken.getLocalPort()));
            CliRun inUse = CliRun.of("node", "start", "--config", writeConfig(settings).toString());
            assertEquals(1, inUse.exitCode());
            assertTrue(inUse.errorLine().startsWith("junction: Invalid value " + taken.getLocalPort()
                    + " for configuration acceptor.main.port in " + dir.resolve("node.properties") + ": port " + taken.getLocalPort()
                    + " on 127.0.0.1 is in use"), inUse.err());
        }

        Path aFile = Files.writeString(dir.resolve("a-file"), "");
        CliRun unwritable = CliRun.of("node", "start", "--config",
                writeConfig(RunningNode.freePortSettings(aFile.resolve("data"))).toString());
        assertEquals(1, unwritable.exitCode());
        assertTrue(unwritable.errorLine().startsWith("junction: Invalid value " + aFile.resolve("data") + " for configuration data.dir in "
                + dir.resolve("node.properties") + ": directory " + aFile.resolve("data") + " is not writable"), unwritable.err());

        CliRun missing = CliRun.of("node", "start", "--config", dir.resolve("absent.properties").toString());
        assertEquals(1, missing.exitCode());
        assertEquals("junction: Configuration file " + dir.resolve("absent.properties") + " does not exist", missing.errorLine());
    }
}
