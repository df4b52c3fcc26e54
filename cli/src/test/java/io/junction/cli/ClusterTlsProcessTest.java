package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ClusterNode;
import io.junction.cluster.ops.LocalCluster;
import io.junction.config.ConfigException;
import io.junction.node.NodeConfig;
import io.junction.testing.ChildJvm;
import io.junction.testing.FreePorts;
import io.junction.testing.TestCertificates;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.client.impl.TopologyMemberImpl;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node cluster, each node its own process with its own key signed by one authority, TLS on every acceptor and
 * client certificates required, so replication and the cluster connection run over TLS too. Tenants are made through
 * {@code junction}; clients with the right trust and certificate get in over CORE, AMQP and MQTT, others do not; a
 * CORE client follows its group to the backup after a kill -9 with nothing but its URL; and the connectors the
 * brokers advertise to anyone who asks carry no store paths or passwords.
 */
class ClusterTlsProcessTest {
    private static final String MAIN = JunctionCli.class.getName();
    private static final String PW = TestCertificates.PASSWORD;

    @TempDir
    Path dir;

    @Test
    void aTlsClusterReplicatesServesTenantsAndFailsOverWithClientCertificatesRequired() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir);
        Path clientKeys = ca.signed("poller-1", null);
        Path strangerKeys = ca.selfSigned("stranger", null);
        int base = FreePorts.block(20);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int p = base + i * 5;
            entries.add("127.0.0.1:" + p + ":" + (p + 1) + ":" + (p + 2) + ":" + (p + 3) + ":" + (p + 4));
        }
        List<Path> configs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Path keys = ca.signed("node" + id, "ip:127.0.0.1");
            Map<String, String> s = new LinkedHashMap<>();
            s.put("node.name", "node" + id);
            s.put("data.dir", dir.resolve("node" + id).toString());
            s.put("journal.type", "nio");
            s.put("memory.global-max-size", "64MiB");
            s.put("cluster.node-id", String.valueOf(id));
            s.put("cluster.nodes", String.join(",", entries));
            s.put("cluster.secret", "test-cluster-secret-0123456789abcdefXYZ");
            s.put("tls.keystore", keys.toString());
            s.put("tls.keystore-password", PW);
            s.put("tls.truststore", ca.trustStore().toString());
            s.put("tls.truststore-password", PW);
            s.put("tls.client-auth", "need");
            Path file = dir.resolve("node" + id + ".properties");
            Files.writeString(file, s.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
            configs.add(file);
        }
        List<ChildJvm> nodes = new ArrayList<>();
        try {
            for (int id = 1; id <= 3; id++) {
                nodes.add(start(configs.get(id - 1), "node" + id + ".log"));
            }
            Path credentials = awaitAdminCredentials();
            Credentials admin = Credentials.read(credentials);
            assertTrue(admin.url().contains("sslEnabled=true") && admin.url().contains("name=junction-127-0-0-1-"), admin.url());
            ClusterLayout layout = LocalCluster.layoutOf(configs.get(1));
            String[] status = {"cluster", "status", "--config", configs.get(1).toString(), "--credentials", credentials.toString()};
            CliRun[] healthy = new CliRun[1];
            // every backup in sync with its primary: replication runs over TLS with client certificates required
            long started = System.nanoTime();
            Waits.until(Duration.ofSeconds(120), "every group replicated", () -> {
                healthy[0] = CliRun.of(status);
                return healthy[0].exitCode() == 0;
            });

            System.out.printf("TLS cluster: every group replicated %.1f s after the nodes started%n", (System.nanoTime() - started) / 1e9);

            // tenants made and managed only through junction, over the TLS URL the node wrote
            String file = credentials.toString();
            cli(null, "tenant", "create", "acme", "--credentials", file);
            cli("acme-password\n", "user", "add", "--tenant", "acme", "--role", "producer,consumer", "acme-dev", "--credentials", file);
            cli(null, "tenant", "create", "other", "--credentials", file);
            cli("other-password\n", "user", "add", "--tenant", "other", "--role", "producer,consumer", "other-dev", "--credentials", file);
            assertTrue(cli(null, "tenant", "show", "acme", "--credentials", file).out().contains("tenant.acme.events"), "tenant show over TLS");

            String tls = "sslEnabled=true&trustStorePath=" + ca.trustStore() + "&trustStorePassword=" + PW;
            String withCert = tls + "&keyStorePath=" + clientKeys + "&keyStorePassword=" + PW;
            ClusterLayout.Member one = layout.members().get(0);
            ClusterLayout.Member two = layout.members().get(1);
            ClusterLayout.Member three = layout.members().get(2);
            String node3 = three.brokerUrl() + "?reconnectAttempts=0&callTimeout=10000&" + withCert;
            assertEquals("over tls", ClusterLoad.tenantRoundTrip(node3, "over tls"));
            assertThrows(JMSException.class, () -> ClusterLoad.tenantRoundTrip(three.brokerUrl() + "?reconnectAttempts=0&callTimeout=3000&" + tls, "x"),
                    "a client without a certificate");
            assertThrows(JMSException.class, () -> ClusterLoad.tenantRoundTrip(three.brokerUrl() + "?reconnectAttempts=0&callTimeout=3000&sslEnabled=true&keyStorePath="
                    + strangerKeys + "&keyStorePassword=" + PW + "&trustStorePath=" + ca.trustStore() + "&trustStorePassword=" + PW, "x"),
                    "a client whose certificate no authority the nodes trust signed");
            assertThrows(JMSException.class, () -> ClusterLoad.tenantRoundTrip(three.brokerUrl() + "?reconnectAttempts=0&callTimeout=3000", "x"), "plain TCP");
            // the other tenant stays apart on a TLS cluster too
            assertThrows(JMSException.class, () -> {
                try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(node3, "other-dev", "other-password"); Connection c = cf.createConnection()) {
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    session.createProducer(session.createTopic("tenant.acme.events")).send(session.createTextMessage("intruder"));
                }
            }, "tenant other sending to acme");

            // the cluster connection's bridges run over TLS: a message sent to g1 reaches a consumer on g3
            String node1 = one.brokerUrl() + "?reconnectAttempts=0&callTimeout=10000&" + withCert;
            try (ActiveMQConnectionFactory consumerFactory = new ActiveMQConnectionFactory(node3, "acme-dev", "acme-password");
                 Connection consuming = consumerFactory.createConnection();
                 ActiveMQConnectionFactory producerFactory = new ActiveMQConnectionFactory(node1, "acme-dev", "acme-password");
                 Connection producing = producerFactory.createConnection()) {
                consuming.start();
                Session consumerSession = consuming.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = consumerSession.createConsumer(consumerSession.createQueue("tenant.acme.events::tenant.acme.events"));
                Session session = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createTopic("tenant.acme.events")).send(session.createTextMessage("across the cluster"));
                Message across = consumer.receive(30_000);
                assertEquals("across the cluster", across == null ? null : across.getBody(String.class), "a message sent on g1, consumed on g3");
            }

            // AMQP and MQTT over TLS with the client's certificate
            String amqps = "amqps://127.0.0.1:" + two.brokerPort() + "?transport.trustStoreLocation=" + ca.trustStore() + "&transport.trustStorePassword="
                    + PW + "&transport.keyStoreLocation=" + clientKeys + "&transport.keyStorePassword=" + PW;
            try (Connection c = new JmsConnectionFactory("acme-dev", "acme-password", amqps).createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("tenant.acme.metrics::tenant.acme.metrics"));
                MqttClient mqtt = mqtt(two.brokerPort(), "tenant.acme.device-1", "acme-dev", "acme-password", clientKeys, ca.trustStore());
                mqtt.publish("tenant/acme/metrics", "from mqtt".getBytes(StandardCharsets.UTF_8), 1, false);
                mqtt.disconnect();
                mqtt.close();
                Message m = consumer.receive(20_000);
                assertTrue(m != null, "the MQTT publish reached the AMQP consumer");
            }
            // tenant other reaches none of acme's destinations over AMQP or MQTT either
            assertThrows(JMSException.class, () -> {
                try (Connection c = new JmsConnectionFactory("other-dev", "other-password", amqps).createConnection()) {
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    session.createConsumer(session.createQueue("tenant.acme.metrics::tenant.acme.metrics"));
                }
            }, "tenant other consuming acme's metrics over AMQP");
            MqttClient intruder = mqtt(two.brokerPort(), "tenant.other.device-1", "other-dev", "other-password", clientKeys, ca.trustStore());
            // MQTT 3.1.1 cannot refuse a publish: the broker closes the connection
            assertThrows(MqttException.class, () -> intruder.publish("tenant/acme/metrics", "x".getBytes(StandardCharsets.UTF_8), 1, false),
                    "tenant other publishing to acme over MQTT");
            intruder.close();

            // what any client, logged in or not, learns of the topology names each broker but holds no stores or passwords
            try (ServerLocator locator = ActiveMQClient.createServerLocator(ClientUrls.namedCluster(List.of(one.brokerUrl())) + "&" + withCert);
                 ClientSessionFactory ignored = locator.createSessionFactory()) {
                Waits.until(Duration.ofSeconds(20), "the topology", () -> locator.getTopology().getMembers().size() >= 3);
                for (TopologyMemberImpl member : locator.getTopology().getMembers()) {
                    for (TransportConfiguration connector : new TransportConfiguration[] {member.getPrimary(), member.getBackup()}) {
                        if (connector != null) {
                            assertEquals("true", String.valueOf(connector.getParams().get("sslEnabled")), connector.toString());
                            assertFalse(connector.getCombinedParams().keySet().stream().anyMatch(k -> k.toLowerCase().contains("password")
                                    || k.toLowerCase().contains("path")), "an advertised connector carries secrets: " + connector);
                            assertTrue(connector.getName().startsWith("junction-127-0-0-1-"), connector.getName());
                        }
                    }
                }
            }

            // a CORE client on group g1 follows it to the backup after a kill -9, with nothing but its URL
            String g1 = ClientUrls.namedCluster(List.of(one.brokerUrl(), two.backupUrl())) + "&" + withCert;
            Set<String> acknowledged = new HashSet<>();
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(g1, "acme-dev", "acme-password"); Connection c = cf.createConnection()) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createTopic("tenant.acme.alerts"));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                ReliableSender sender = new ReliableSender(producer, Duration.ofSeconds(60));
                for (int i = 0; i < 50; i++) {
                    sender.send(session.createTextMessage("before " + i));
                    acknowledged.add("before " + i);
                }
                nodes.get(0).killHard();
                long killed = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    if (i == 1) {
                        System.out.printf("TLS cluster: first send after the kill -9 acknowledged %.2f s after it%n", (System.nanoTime() - killed) / 1e9);
                    }
                    sender.send(session.createTextMessage("after " + i));
                    acknowledged.add("after " + i);
                }
            }
            Set<String> received = new HashSet<>();
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(two.backupUrl() + "?reconnectAttempts=0&" + withCert, "acme-dev", "acme-password");
                 Connection c = cf.createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("tenant.acme.alerts::tenant.acme.alerts"));
                for (Message m = consumer.receive(20_000); m != null; m = consumer.receive(2_000)) {
                    received.add(m.getBody(String.class));
                }
            }
            assertEquals(acknowledged, received, "every acknowledged send is on g1's backup, once");

            // node 1 returns, resynchronises over TLS and takes g1 back
            String[] statusJson = {"cluster", "status", "--config", configs.get(1).toString(), "--credentials", credentials.toString(), "--json"};
            long restartedAt = System.nanoTime();
            nodes.set(0, start(configs.get(0), "node1-restarted.log"));
            Waits.until(Duration.ofSeconds(120), "every group replicated again after node 1's return", () -> {
                healthy[0] = CliRun.of(statusJson);
                return healthy[0].exitCode() == 0;
            });
            assertTrue(healthy[0].out().contains("\"group\":\"g1\",\"status\":\"REPLICATED\",\"activeNode\":1"), healthy[0].out());
            System.out.printf("TLS cluster: g1 replicated on node 1 again %.1f s after its restart%n", (System.nanoTime() - restartedAt) / 1e9);
        } finally {
            for (ChildJvm node : nodes) {
                node.close();
            }
        }
    }

    @Test
    void aNodeWhoseCertificateTheOthersWouldRefuseDoesNotStart() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir);
        Path wrongName = ca.signed("elsewhere", "dns:elsewhere.example.net");
        Path unsigned = ca.selfSigned("unsigned", "ip:127.0.0.1");
        int base = FreePorts.block(20);
        String nodes = "127.0.0.1:" + base + ":" + (base + 1) + ":" + (base + 2) + ":" + (base + 3) + ":" + (base + 4)
                + ",127.0.0.1:" + (base + 5) + ":" + (base + 6) + ":" + (base + 7) + ":" + (base + 8) + ":" + (base + 9)
                + ",127.0.0.1:" + (base + 10) + ":" + (base + 11) + ":" + (base + 12) + ":" + (base + 13) + ":" + (base + 14);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("data.dir", dir.resolve("bad").toString());
        s.put("cluster.node-id", "1");
        s.put("cluster.nodes", nodes);
        s.put("cluster.secret", "test-cluster-secret-0123456789abcdefXYZ");
        s.put("tls.keystore", wrongName.toString());
        s.put("tls.keystore-password", PW);
        s.put("tls.truststore", ca.trustStore().toString());
        s.put("tls.truststore-password", PW);
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterNode.start(NodeConfig.parse(s, "node1.properties")).close());
        assertEquals("tls.keystore", e.key());
        assertTrue(e.getMessage().contains("does not name 127.0.0.1"), e.getMessage());

        s.put("tls.keystore", unsigned.toString());
        e = assertThrows(ConfigException.class, () -> ClusterNode.start(NodeConfig.parse(s, "node1.properties")).close());
        assertEquals("tls.truststore", e.key());
        assertTrue(e.getMessage().contains("does not trust this node's certificate"), e.getMessage());

        // the same through the real main: one line, exit 1, no stack trace
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, s.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).collect(Collectors.joining("\n", "", "\n")));
        CliRun run = CliRun.of("node", "start", "--config", file.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("tls.truststore"), run.err());
    }

    /** A Paho client connected over TLS with the given certificate and login. */
    private static MqttClient mqtt(int port, String clientId, String user, String password, Path keys, Path trust) throws Exception {
        MqttClient client = new MqttClient("ssl://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setSocketFactory(TestCertificates.sslContext(keys, trust).getSocketFactory());
        client.connect(options);
        return client;
    }

    private ChildJvm start(Path config, String log) {
        ChildJvm node = ChildJvm.start(dir.resolve(log), List.of(), MAIN, "node", "start", "--config", config.toString());
        Waits.until(Duration.ofSeconds(60), "node to start (log " + dir.resolve(log) + ")",
                () -> node.output().contains("Press Ctrl-C to stop.") || !node.isAlive());
        assertTrue(node.isAlive(), node.output());
        return node;
    }

    /** The node that created the cluster's first administrator wrote its credentials into its data directory. */
    private Path awaitAdminCredentials() {
        Path[] found = new Path[1];
        Waits.until(Duration.ofSeconds(120), "the cluster's admin credentials", () -> {
            for (int id = 1; id <= 3; id++) {
                Path f = dir.resolve("node" + id).resolve(Credentials.FILE_NAME);
                if (Files.isReadable(f)) {
                    found[0] = f;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static CliRun cli(String input, String... args) {
        CliRun run = input == null ? CliRun.of(args) : CliRun.withInput(input, args);
        assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.out() + run.err());
        return run;
    }
}
