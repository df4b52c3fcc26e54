package io.junction.node;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** No protocol lets in an anonymous client or a wrong password; the right password works on each. */
class AuthenticationTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    static RunningNode node;

    @BeforeAll
    static void node() {
        node = NODE.node();
    }

    String user() {
        return node.admin().user();
    }

    String password() {
        return node.admin().password();
    }

    @Test
    void coreRefusesAnonymousAndWrongPassword() {
        String url = node.coreUrl() + "?reconnectAttempts=0";
        assertThrows(JMSSecurityException.class, () -> new ActiveMQConnectionFactory(url).createConnection().close());
        assertThrows(JMSSecurityException.class, () -> new ActiveMQConnectionFactory(url).createConnection(user(), "wrong").close());
        assertThrows(JMSSecurityException.class, () -> new ActiveMQConnectionFactory(url).createConnection("nobody", password()).close());
        assertDoesNotThrow(() -> new ActiveMQConnectionFactory(url).createConnection(user(), password()).close());
    }

    @Test
    void artemisDefaultClusterCredentialsOpenNothing() {
        String url = node.coreUrl() + "?reconnectAttempts=0";
        for (String user : new String[] {"ACTIVEMQ.CLUSTER.ADMIN.USER", "junction-cluster"}) {
            assertThrows(JMSException.class, () -> new ActiveMQConnectionFactory(url).createConnection(user, "CHANGE ME!!").close(), user);
            assertThrows(JMSException.class, () -> amqp(node.amqpUrl(), user, "CHANGE ME!!"), user + " over AMQP");
        }
    }

    @Test
    void amqpRefusesAnonymousAndWrongPassword() {
        for (String url : new String[] {node.amqpUrl(), "amqp://127.0.0.1:" + node.port(Acceptor.MAIN)}) {
            assertThrows(JMSSecurityException.class, () -> amqp(url, null, null), url + " anonymous");
            assertThrows(JMSSecurityException.class, () -> amqp(url, user(), "wrong"), url + " wrong password");
            assertDoesNotThrow(() -> amqp(url, user(), password()), url);
        }
    }

    private static void amqp(String url, String user, String password) throws JMSException {
        JmsConnectionFactory factory = new JmsConnectionFactory(user, password, url);
        try (Connection c = factory.createConnection()) {
            c.start();
        }
    }

    @Test
    void mqtt311RefusesAnonymousAndWrongPassword() throws Exception {
        for (String url : new String[] {node.mqttUrl(), node.coreUrl()}) {
            MqttException anonymous = assertThrows(MqttException.class, () -> mqtt3(url, null, null));
            assertTrue(anonymous.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED
                    || anonymous.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION, url + ": " + anonymous);
            MqttException wrong = assertThrows(MqttException.class, () -> mqtt3(url, user(), "wrong"));
            assertTrue(wrong.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED
                    || wrong.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION, url + ": " + wrong);
            assertDoesNotThrow(() -> mqtt3(url, user(), password()), url);
        }
    }

    private static void mqtt3(String url, String user, String password) throws MqttException {
        MqttClient client = new MqttClient(url, "auth-" + System.nanoTime(), new MemoryPersistence());
        try {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            if (user != null) {
                options.setUserName(user);
                options.setPassword(password.toCharArray());
            }
            client.connect(options);
            client.disconnect();
        } finally {
            client.close();
        }
    }

    @Test
    void mqtt5RefusesAnonymousAndWrongPassword() {
        org.eclipse.paho.mqttv5.common.MqttException anonymous =
                assertThrows(org.eclipse.paho.mqttv5.common.MqttException.class, () -> mqtt5(null, null));
        assertMqtt5Refusal(anonymous);
        assertMqtt5Refusal(assertThrows(org.eclipse.paho.mqttv5.common.MqttException.class, () -> mqtt5(user(), "wrong")));
        assertDoesNotThrow(() -> mqtt5(user(), password()));
    }

    private static void assertMqtt5Refusal(org.eclipse.paho.mqttv5.common.MqttException e) {
        // 0x86 bad user name or password, 0x87 not authorized
        assertTrue(e.getReasonCode() == 0x86 || e.getReasonCode() == 0x87, "unexpected reason " + e.getReasonCode() + ": " + e);
    }

    private static void mqtt5(String user, String password) throws org.eclipse.paho.mqttv5.common.MqttException {
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(node.mqttUrl(), "auth5-" + System.nanoTime(),
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        try {
            MqttConnectionOptions options = new MqttConnectionOptions();
            if (user != null) {
                options.setUserName(user);
                options.setPassword(password.getBytes(StandardCharsets.UTF_8));
            }
            client.connect(options);
            client.disconnect();
        } finally {
            client.close();
        }
    }

    @Test
    void stompRefusesAnonymousAndWrongPassword() throws Exception {
        assertEquals("ERROR", stompConnect(null, null));
        assertEquals("ERROR", stompConnect(user(), "wrong"));
        assertEquals("CONNECTED", stompConnect(user(), password()));
    }

    /** Sends a STOMP 1.2 CONNECT frame and returns the command of the broker's answer. */
    private static String stompConnect(String user, String password) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port(Acceptor.STOMP))) {
            socket.setSoTimeout(10_000);
            String frame = "CONNECT\naccept-version:1.2\nhost:127.0.0.1\n"
                    + (user == null ? "" : "login:" + user + "\npasscode:" + password + "\n") + "\n\0";
            socket.getOutputStream().write(frame.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8).trim();
        }
    }
}
