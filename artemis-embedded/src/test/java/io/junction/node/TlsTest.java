package io.junction.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.config.ConfigException;
import io.junction.testing.TestCertificates;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose acceptors speak TLS and need client certificates: stores made here with the JDK's keytool. Clients
 * without the right trust or certificate are refused on every protocol; with them, messages flow.
 */
class TlsTest {
    private static final String PW = TestCertificates.PASSWORD;
    @TempDir
    static Path dir;

    static Path serverKeys;
    static Path serverTrust;
    static Path clientKeys;
    static Path clientTrust;
    static Path strangerKeys;

    @BeforeAll
    static void stores() throws Exception {
        serverKeys = dir.resolve("server.p12");
        clientKeys = dir.resolve("client.p12");
        strangerKeys = dir.resolve("stranger.p12");
        serverTrust = dir.resolve("server-trust.p12");
        clientTrust = dir.resolve("client-trust.p12");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-keystore", serverKeys.toString(), "-storetype", "PKCS12", "-storepass", PW);
        keytool("-genkeypair", "-alias", "app", "-keyalg", "EC", "-dname", "CN=poller-1", "-validity", "2", "-keystore", clientKeys.toString(),
                "-storetype", "PKCS12", "-storepass", PW);
        keytool("-genkeypair", "-alias", "x", "-keyalg", "EC", "-dname", "CN=stranger", "-validity", "2", "-keystore", strangerKeys.toString(),
                "-storetype", "PKCS12", "-storepass", PW);
        keytool("-exportcert", "-alias", "node", "-keystore", serverKeys.toString(), "-storepass", PW, "-file", dir.resolve("node.crt").toString());
        keytool("-exportcert", "-alias", "app", "-keystore", clientKeys.toString(), "-storepass", PW, "-file", dir.resolve("app.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "node", "-file", dir.resolve("node.crt").toString(), "-keystore", clientTrust.toString(),
                "-storetype", "PKCS12", "-storepass", PW);
        keytool("-importcert", "-noprompt", "-alias", "app", "-file", dir.resolve("app.crt").toString(), "-keystore", serverTrust.toString(),
                "-storetype", "PKCS12", "-storepass", PW);
    }

    private static void keytool(String... args) {
        TestCertificates.keytool(args);
    }

    private static Map<String, String> tlsSettings(Path data) {
        Map<String, String> s = new HashMap<>(RunningNode.freePortSettings(data));
        s.put("tls.keystore", serverKeys.toString());
        s.put("tls.keystore-password", PW);
        s.put("tls.truststore", serverTrust.toString());
        s.put("tls.truststore-password", PW);
        s.put("tls.client-auth", "need");
        return s;
    }

    private static String core(RunningNode node, Path keys, Path trust) {
        StringBuilder url = new StringBuilder(node.coreUrl() + "?reconnectAttempts=0&callTimeout=3000&sslEnabled=true");
        if (trust != null) {
            url.append("&trustStorePath=").append(trust).append("&trustStorePassword=").append(PW);
        }
        if (keys != null) {
            url.append("&keyStorePath=").append(keys).append("&keyStorePassword=").append(PW);
        }
        return url.toString();
    }

    private static String roundTrip(ConnectionFactorySupplier factory, String body) throws Exception {
        try (Connection c = factory.get().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("tls.q")).send(s.createTextMessage(body));
            return ((TextMessage) s.createConsumer(s.createQueue("tls.q")).receive(5_000)).getText();
        }
    }

    interface ConnectionFactorySupplier {
        jakarta.jms.ConnectionFactory get();
    }

    @Test
    void onlyClientsWithTheRightTrustAndCertificateGetIn() throws Exception {
        try (RunningNode node = RunningNode.start(tlsSettings(dir.resolve("data")))) {
            String user = node.admin().user();
            String password = node.admin().password();
            // CORE
            assertEquals("core", roundTrip(() -> new ActiveMQConnectionFactory(core(node, clientKeys, clientTrust), user, password), "core"));
            assertThrows(JMSException.class, () -> new ActiveMQConnectionFactory(core(node, clientKeys, null), user, password).createConnection().close(),
                    "a client that does not trust the node's certificate");
            assertThrows(JMSException.class, () -> new ActiveMQConnectionFactory(core(node, null, clientTrust), user, password).createConnection().close(),
                    "a client without a certificate");
            assertThrows(JMSException.class, () -> new ActiveMQConnectionFactory(core(node, strangerKeys, clientTrust), user, password).createConnection()
                    .close(), "a client whose certificate the node does not trust");
            assertThrows(JMSException.class, () -> new ActiveMQConnectionFactory(node.coreUrl() + "?reconnectAttempts=0&callTimeout=3000", user, password)
                    .createConnection().close(), "a plain TCP client");
            // the admin credentials the node wrote reach it over TLS (the node trusts no certificate of its own here, so
            // only the server side is exercised by this URL when client-auth is off; with need, the URL is refused)
            assertTrue(Credentials.read(node.node().credentialsFile()).url().contains("sslEnabled=true"));

            // AMQP
            String amqps = "amqps://127.0.0.1:" + node.port(Acceptor.AMQP) + "?transport.trustStoreLocation=" + clientTrust + "&transport.trustStorePassword=" + PW;
            String withCert = amqps + "&transport.keyStoreLocation=" + clientKeys + "&transport.keyStorePassword=" + PW;
            assertEquals("amqp", roundTrip(() -> new JmsConnectionFactory(user, password, withCert), "amqp"));
            assertThrows(JMSException.class, () -> new JmsConnectionFactory(user, password, amqps).createConnection().start(), "AMQP without a certificate");

            // MQTT
            MqttClient mqtt = new MqttClient("ssl://127.0.0.1:" + node.port(Acceptor.MQTT), "tls-device", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName(user);
            options.setPassword(password.toCharArray());
            options.setSocketFactory(TestCertificates.sslContext(clientKeys, clientTrust).getSocketFactory());
            mqtt.connect(options);
            mqtt.publish("tls/mqtt", "m".getBytes(StandardCharsets.UTF_8), 1, false);
            mqtt.disconnect();
            mqtt.close();
            MqttClient refused = new MqttClient("ssl://127.0.0.1:" + node.port(Acceptor.MQTT), "tls-stranger", new MemoryPersistence());
            MqttConnectOptions noCert = new MqttConnectOptions();
            noCert.setUserName(user);
            noCert.setPassword(password.toCharArray());
            noCert.setSocketFactory(TestCertificates.sslContext(null, clientTrust).getSocketFactory());
            assertThrows(MqttException.class, () -> refused.connect(noCert), "MQTT without a certificate");
            refused.close();
        }
    }


    @Test
    void badTlsSettingsStopTheNodeNamingTheKey() {
        Map<String, String> missing = tlsSettings(dir.resolve("d1"));
        missing.put("tls.keystore", dir.resolve("nope.p12").toString());
        assertEquals("tls.keystore", assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(missing, "n.properties"))).key());

        Map<String, String> wrongPassword = tlsSettings(dir.resolve("d2"));
        wrongPassword.put("tls.keystore-password", "not-it");
        ConfigException e = assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(wrongPassword, "n.properties")));
        assertEquals("tls.keystore", e.key());
        assertTrue(e.getMessage().contains("tls.keystore-password"), e.getMessage());

        Map<String, String> onlyCerts = tlsSettings(dir.resolve("d3"));
        onlyCerts.put("tls.keystore", clientTrust.toString());
        assertTrue(assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(onlyCerts, "n.properties"))).getMessage()
                .contains("no private key"));

        Map<String, String> noTrust = tlsSettings(dir.resolve("d4"));
        noTrust.remove("tls.truststore");
        assertEquals("tls.client-auth", assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(noTrust, "n.properties"))).key());
    }

    @Test
    void withoutClientCertificatesTheLocalCliUrlReachesTheNodeOverTls() throws Exception {
        Map<String, String> settings = tlsSettings(dir.resolve("data-nocert"));
        settings.remove("tls.truststore");
        settings.remove("tls.truststore-password");
        settings.put("tls.client-auth", "none");
        try (RunningNode node = RunningNode.start(settings)) {
            Credentials admin = Credentials.read(node.node().credentialsFile());
            assertEquals("local", roundTrip(() -> new ActiveMQConnectionFactory(admin.url(), admin.user(), admin.password()), "local"));
        }
    }
}
