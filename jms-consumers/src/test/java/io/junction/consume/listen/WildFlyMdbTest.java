package io.junction.consume.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.node.Acceptor;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listener class {@link AlertJournal} deployed as a real {@code @MessageDriven} bean in a real Jakarta EE server,
 * WildFly 39 (unpacked by the build into {@code target/wildfly}), consuming from a Junction node through the Artemis
 * resource adapter WildFly bundles and a remote pooled connection factory, as docs/jakarta-ee.md configures it. The
 * broker's divert puts the tenant's major and critical events on its alerts; the bean receives each of them once and
 * none of the others; an alert whose handling throws is rolled back, delivered again and, after the tenant's maximum
 * deliveries, lands in its dead-letter queue with the reason. With the server gone, alerts published meanwhile wait
 * in the durable subscription, and the same class run by Junction's own {@link ListenerContainer} receives them from
 * it: one subscription, two runners.
 */
class WildFlyMdbTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "wildfly-pass-1";
    /** The ports of standalone-full.xml, moved together by the server's port offset. */
    private static final int[] WILDFLY_PORTS = {3528, 3529, 4712, 4713, 8009, 8080, 8443, 9990, 9993};

    private static Path dir;

    @BeforeAll
    static void tenant() throws Exception {
        dir = Files.createTempDirectory("junction-wildfly-");
        try (Credentials.Open open = admin().connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            m.text(ManagementClient.DIRECTORY, "createTenant", "acme", "Acme", "max-deliveries=3");
            m.text(ManagementClient.DIRECTORY, "addUser", "acme-app", "acme", "producer", PASSWORD);
            m.text(ManagementClient.DIRECTORY, "addUser", "acme-wildfly", "acme", "consumer", PASSWORD);
        }
    }

    @AfterAll
    static void clean() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Credentials admin() {
        return NODE.node().admin().at(NODE.node().coreUrl());
    }

    @Test
    void theListenerClassRunsAsAMessageDrivenBeanInWildFlyAndInJunctionsContainer() throws Exception {
        Path journal = dir.resolve("journal.txt");
        Path home = wildFlyHome();
        Path base = dir.resolve("server");
        copyTree(home.resolve("standalone"), base);
        configure(home, base);
        deploy(base.resolve("deployments").resolve("junction-alerts.jar"));
        Process server = start(home, base, journal);
        try {
            awaitDeployed(base, server);
            // the resource adapter sets the bean's subscription up after the deployment is done: what is published before
            // its queue exists is not the subscription's
            Waits.until(Duration.ofSeconds(60), "the bean's subscription with its consumers", () -> subscriptionConsumers() >= 1);
            List<String> alerts = new ArrayList<>();
            try (BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-app", PASSWORD), Duration.ofSeconds(5))) {
                ReliableSender sender = new ReliableSender(bus, bus.session().createTopic("tenant.acme.events"), Duration.ofSeconds(30));
                String[] severities = {"critical", "major", "minor", "warning"};
                for (int i = 0; i < 24; i++) {
                    String severity = severities[i % severities.length];
                    sender.send(event(bus.session(), "dev-" + i, severity));
                    if (i % severities.length < 2) {
                        alerts.add("dev-" + i + " " + severity);
                    }
                }
                TextMessage poison = event(bus.session(), "dev-poison", "critical");
                poison.setBooleanProperty("poison", true);
                sender.send(poison);
            }
            Waits.until(Duration.ofSeconds(60), "the bean in WildFly journals every alert", () -> journaled(journal).size() >= alerts.size());
            Message dead = receive("tenant.acme.dlq", Duration.ofSeconds(60));
            assertEquals("dev-poison", dead.getStringProperty("device"), "the alert the bean could not handle is in the tenant's dead letters");
            String reason = dead.getStringProperty("junction_dead_reason");
            assertTrue(reason != null && reason.startsWith("not acknowledged after 3 deliveries from tenant.acme.alerts.journal"), "its reason: " + reason);
            assertEquals(sorted(alerts), sorted(journaled(journal)), "each major and critical event once, and only those");
        } finally {
            stop(server);
        }

        // the server is gone: what is published now waits in the subscription for the same class in Junction's container
        List<String> later = new ArrayList<>();
        try (BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-app", PASSWORD), Duration.ofSeconds(5))) {
            ReliableSender sender = new ReliableSender(bus, bus.session().createTopic("tenant.acme.events"), Duration.ofSeconds(30));
            for (int i = 0; i < 5; i++) {
                sender.send(event(bus.session(), "later-" + i, "major"));
                later.add("later-" + i + " major");
            }
        }
        int before = journaled(journal).size();
        System.setProperty("junction.journal", journal.toString());
        ListenerSettings settings = new ListenerSettings(new Credentials(NODE.node().coreUrl(), "acme-wildfly", PASSWORD), "acme", Duration.ofSeconds(5));
        try (ListenerContainer container = ListenerContainer.start(settings, AlertJournal.class)) {
            assertEquals("tenant.acme.alerts.journal", settings.subscriptionOf(AlertJournal.class), "the subscription the bean's activation names");
            Waits.until(Duration.ofSeconds(30), "the container journals what was published while WildFly was gone",
                    () -> journaled(journal).size() >= before + later.size());
            Thread.sleep(500);
        }
        List<String> all = journaled(journal);
        assertEquals(sorted(later), sorted(all.subList(before, all.size())), "the container received the later alerts once each");
    }

    private static TextMessage event(Session session, String device, String severity) throws Exception {
        TextMessage m = session.createTextMessage("{\"device\":\"" + device + "\",\"severity\":\"" + severity + "\"}");
        m.setStringProperty("device", device);
        m.setStringProperty("severity", severity);
        return m;
    }

    /** "DEVICE SEVERITY" of each journal line, in the order written. */
    private static List<String> journaled(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return List.of();
        }
        return Files.readAllLines(journal).stream().filter(l -> !l.isBlank()).map(l -> l.substring(0, l.lastIndexOf(' '))).toList();
    }

    private static List<String> sorted(List<String> lines) {
        return lines.stream().sorted().toList();
    }

    /** Consumers of the subscription queue (the JMS client escapes the dots of a subscription name), 0 while it does not exist. */
    private static int subscriptionConsumers() throws Exception {
        try (Credentials.Open open = admin().connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            return ((Number) m.attribute("queue.tenant\\.acme\\.alerts\\.journal", "consumerCount")).intValue();
        } catch (ManagementClient.Refused e) {
            return 0;
        }
    }

    private static Message receive(String queue, Duration wait) throws Exception {
        return io.junction.consume.TestBus.receive(admin(), queue, wait);
    }

    private static Path wildFlyHome() throws IOException {
        Path unpacked = Path.of("target", "wildfly");
        if (Files.isDirectory(unpacked)) {
            try (Stream<Path> dirs = Files.list(unpacked)) {
                for (Path d : dirs.toList()) {
                    if (d.getFileName().toString().startsWith("wildfly-") && Files.isRegularFile(d.resolve("bin/standalone.sh"))) {
                        return d.toAbsolutePath();
                    }
                }
            }
        }
        return fail("WildFly is not unpacked in " + unpacked.toAbsolutePath() + ": the build's unpack-wildfly step (process-test-resources) makes it");
    }

    /** The remote pooled connection factory of docs/jakarta-ee.md, written by WildFly's own CLI into this test's server directory. */
    private static void configure(Path home, Path base) throws Exception {
        int port = NODE.node().port(Acceptor.MAIN);
        String script = String.join("\n",
                "embed-server --server-config=standalone-full.xml --std-out=discard",
                "/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=junction-node-1:add(host=127.0.0.1, port=" + port + ")",
                "/subsystem=messaging-activemq/remote-connector=junction-node-1:add(socket-binding=junction-node-1)",
                "/subsystem=messaging-activemq/pooled-connection-factory=junction:add(connectors=[junction-node-1], entries=[java:/jms/junction],"
                        + " ha=true, reconnect-attempts=-1, enable-amq1-prefix=false, transaction=xa, user=acme-wildfly, password=" + PASSWORD + ")",
                "stop-embedded-server", "");
        Path file = dir.resolve("junction.cli");
        Files.writeString(file, script);
        ProcessBuilder cli = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--file=" + file).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cli.log").toFile());
        cli.environment().put("JAVA_OPTS", "-Djboss.server.base.dir=" + base);
        Process p = cli.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("WildFly's CLI did not finish in 120 s: " + Files.readString(dir.resolve("cli.log")));
        }
        String out = Files.readString(dir.resolve("cli.log"));
        assertEquals(0, p.exitValue(), "WildFly's CLI: " + out);
        assertTrue(!out.contains("\"failed\""), "WildFly's CLI: " + out);
    }

    /** An EJB jar of the listener class, bound to the pooled connection factory by its jboss-ejb3.xml. */
    private static void deploy(Path jar) throws IOException {
        String binding = """
                <?xml version="1.0" encoding="UTF-8"?>
                <jboss:ejb-jar xmlns:jboss="urn:jboss:domain:ejb3:4.0" xmlns="https://jakarta.ee/xml/ns/jakartaee"
                               xmlns:mdb="urn:resource-adapter-binding" version="4.0" impl-version="2.0">
                  <assembly-descriptor>
                    <mdb:resource-adapter-binding>
                      <ejb-name>AlertJournal</ejb-name>
                      <mdb:resource-adapter-name>junction</mdb:resource-adapter-name>
                    </mdb:resource-adapter-binding>
                  </assembly-descriptor>
                </jboss:ejb-jar>
                """;
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> c : List.of(AlertJournal.class, Listener.class)) {
                String name = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/jboss-ejb3.xml"));
            out.write(binding.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private static Process start(Path home, Path base, Path journal) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(), "-c", "standalone-full.xml",
                "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + freeOffset(), "-Djunction.journal=" + journal)
                .redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile());
        return pb.start();
    }

    private static void awaitDeployed(Path base, Process server) throws Exception {
        Path deployments = base.resolve("deployments");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (Files.exists(deployments.resolve("junction-alerts.jar.deployed"))) {
                return;
            }
            if (Files.exists(deployments.resolve("junction-alerts.jar.failed"))) {
                fail("WildFly refused the deployment: " + Files.readString(deployments.resolve("junction-alerts.jar.failed")) + "\n" + serverLog(base));
            }
            if (!server.isAlive()) {
                fail("WildFly stopped (exit " + server.exitValue() + "): " + Files.readString(dir.resolve("console.log")));
            }
            Thread.sleep(200);
        }
        fail("WildFly did not deploy the bean in 180 s\n" + serverLog(base));
    }

    private static String serverLog(Path base) throws IOException {
        Path log = base.resolve("log").resolve("server.log");
        if (!Files.exists(log)) {
            return "(no server.log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    private static void stop(Process server) throws InterruptedException {
        // the script and the server's JVM under it
        List<ProcessHandle> all = new ArrayList<>(server.descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> h).join();
        }
    }

    /** A port offset that moves every port of standalone-full.xml onto a free one. */
    private static int freeOffset() {
        Random random = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = 1_000 + random.nextInt(20_000);
            boolean free = true;
            for (int p : WILDFLY_PORTS) {
                try (ServerSocket s = new ServerSocket(p + offset, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for WildFly");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    try (InputStream in = Files.newInputStream(p); OutputStream out = Files.newOutputStream(target)) {
                        in.transferTo(out);
                    }
                }
            }
        }
    }
}
