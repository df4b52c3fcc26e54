package io.junction.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One node, three protocols: what one protocol's client sends, another protocol's client receives. */
class ProtocolInteropTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    static RunningNode node;

    @BeforeAll
    static void node() {
        node = NODE.node();
    }

    @Test
    void persistentCoreMessageIsReceivedOverAmqp() throws Exception {
        try (Connection core = new ActiveMQConnectionFactory(node.coreUrl()).createConnection(node.admin().user(), node.admin().password());
             Connection amqp = new JmsConnectionFactory(node.admin().user(), node.admin().password(), node.amqpUrl()).createConnection()) {
            Session coreSession = core.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = coreSession.createProducer(coreSession.createQueue("interop.core-to-amqp"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            TextMessage sent = coreSession.createTextMessage("ifInOctets=1234");
            sent.setStringProperty("device", "r1");
            producer.send(sent);

            amqp.start();
            Session amqpSession = amqp.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message received = amqpSession.createConsumer(amqpSession.createQueue("interop.core-to-amqp")).receive(10_000);
            assertNotNull(received, "AMQP consumer got nothing");
            assertEquals("ifInOctets=1234", assertInstanceOf(TextMessage.class, received).getText());
            assertEquals("r1", received.getStringProperty("device"));
            assertEquals(DeliveryMode.PERSISTENT, received.getJMSDeliveryMode());
        }
    }

    @Test
    void amqpTopicMessageIsReceivedByMqttSubscriber() throws Exception {
        BlockingQueue<String> arrived = new ArrayBlockingQueue<>(10);
        MqttClient mqtt = new MqttClient(node.mqttUrl(), "interop-sub", new MemoryPersistence());
        try {
            mqtt.connect(mqttOptions());
            mqtt.subscribe("alerts/r1/link-down", 1, (topic, msg) -> arrived.add(topic + "=" + new String(msg.getPayload(), StandardCharsets.UTF_8)));
            try (Connection amqp = new JmsConnectionFactory(node.admin().user(), node.admin().password(), node.amqpUrl()).createConnection()) {
                Session session = amqp.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createTopic("alerts.r1.link-down")).send(session.createTextMessage("ge-0/0/1 down"));
            }
            assertEquals("alerts/r1/link-down=ge-0/0/1 down", arrived.poll(10, TimeUnit.SECONDS));
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }

    @Test
    void mqttQos1PublishIsReceivedByCoreJmsTopicConsumer() throws Exception {
        byte[] payload = "{\"device\":\"r1\",\"cpu\":17}".getBytes(StandardCharsets.UTF_8);
        try (Connection core = new ActiveMQConnectionFactory(node.coreUrl()).createConnection(node.admin().user(), node.admin().password())) {
            core.start();
            Session session = core.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createTopic("metrics.r1.cpu"));

            MqttClient mqtt = new MqttClient(node.mqttUrl(), "interop-pub", new MemoryPersistence());
            mqtt.connect(mqttOptions());
            mqtt.publish("metrics/r1/cpu", payload, 1, false);
            mqtt.disconnect();
            mqtt.close();

            Message received = consumer.receive(10_000);
            assertNotNull(received, "CORE consumer got nothing");
            BytesMessage bytes = assertInstanceOf(BytesMessage.class, received);
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            assertArrayEquals(payload, body);
            assertTrue(received.getJMSDestination().toString().contains("metrics.r1.cpu"), received.getJMSDestination().toString());
        }
    }

    private static MqttConnectOptions mqttOptions() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(node.admin().user());
        options.setPassword(node.admin().password().toCharArray());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        return options;
    }
}
