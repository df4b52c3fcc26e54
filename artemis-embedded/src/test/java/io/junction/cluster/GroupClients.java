package io.junction.cluster;

import io.junction.client.BusConnection;
import io.junction.client.ReliableSender;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The producers of the group process tests, one per protocol, each recording every send its broker acknowledged (with
 * the {@link System#nanoTime()} of the acknowledgement), and
 * the check of what a queue holds against those records. Every send carries a duplicate-detection id and is retried
 * until acknowledged, as the README tells clients to do.
 */
final class GroupClients {
    private GroupClients() {
    }

    /** The acknowledged sequence numbers that are not in {@code queue} (which this drains). */
    static Set<String> missing(String url, String queue, java.util.Map<String, Long> acknowledged) throws JMSException {
        Set<String> received = new HashSet<>();
        try (Connection c = new ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (Message m = consumer.receive(10_000); m != null; m = consumer.receive(2_000)) {
                received.add(m instanceof jakarta.jms.BytesMessage b ? new String(b.getBody(byte[].class), StandardCharsets.UTF_8)
                        : m.getBody(String.class));
            }
        }
        Set<String> lost = new HashSet<>(acknowledged.keySet());
        lost.removeAll(received);
        return lost;
    }

    /**
     * The Artemis JMS client over CORE through Junction's {@link BusConnection} and {@link ReliableSender}: blocking
     * durable sends (the default for a JMS producer), retried through failover, leaving a broker that stops answering.
     */
    static void produceCore(String url, String queue, java.util.Map<String, Long> acknowledged, AtomicBoolean stop) {
        try (BusConnection bus = BusConnection.open(url, AppUser.NAME, AppUser.PASSWORD, Duration.ofSeconds(5))) {
            ReliableSender sender = new ReliableSender(bus, bus.session().createQueue(queue), Duration.ofSeconds(60));
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                String seq = "c" + i;
                sender.send(bus.session().createTextMessage(seq));
                acknowledged.put(seq, System.nanoTime());
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Qpid JMS through its failover URL: durable sends, each with a duplicate-detection id, retried on failure. */
    static void produceAmqp(String url, String queue, java.util.Map<String, Long> acknowledged, AtomicBoolean stop) {
        try (Connection c = new org.apache.qpid.jms.JmsConnectionFactory(AppUser.NAME, AppUser.PASSWORD, url).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = session.createProducer(session.createQueue(queue));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                String seq = "a" + i;
                Message m = session.createTextMessage(seq);
                m.setStringProperty("_AMQ_DUPL_ID", seq);
                sendWithRetries(() -> p.send(m));
                acknowledged.put(seq, System.nanoTime());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Paho as the README tells devices to use it: QoS 1 publishes, each call bounded by a 3 s wait, and on any failure
     * the client is dropped and a new one connects, to the next broker first. Paho's own automatic reconnection waits for
     * a broker's CONNACK without a limit, so it would hang on a frozen broker, whose kernel still accepts connections.
     */
    static void produceMqtt(String[] servers, String topic, java.util.Map<String, Long> acknowledged, AtomicBoolean stop) {
        String clientId = "device-" + topic.replace('/', '-');
        org.eclipse.paho.client.mqttv3.MqttClient[] client = {null};
        int[] next = {0};
        try {
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                String seq = "q" + i;
                sendWithRetries(() -> {
                    try {
                        if (client[0] == null) {
                            client[0] = mqttConnect(servers[next[0]++ % servers.length], clientId);
                        }
                        client[0].publish(topic, seq.getBytes(StandardCharsets.UTF_8), 1, false);
                    } catch (Exception e) {
                        mqttDrop(client[0]);
                        client[0] = null;
                        throw e;
                    }
                });
                acknowledged.put(seq, System.nanoTime());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            mqttDrop(client[0]);
        }
    }

    private static org.eclipse.paho.client.mqttv3.MqttClient mqttConnect(String server, String clientId) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(server, clientId,
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setCleanSession(false);
        options.setUserName(AppUser.NAME);
        options.setPassword(AppUser.PASSWORD.toCharArray());
        options.setConnectionTimeout(3);
        options.setKeepAliveInterval(2);
        client.setTimeToWait(3_000);
        try {
            client.connect(options);
            return client;
        } catch (Exception e) {
            mqttDrop(client);
            throw e;
        }
    }

    private static void mqttDrop(org.eclipse.paho.client.mqttv3.MqttClient client) {
        if (client != null) {
            try {
                client.disconnectForcibly(0, 0, false);
                client.close(true);
            } catch (Exception e) {
                // dropped either way
            }
        }
    }

    /** The longest time, in seconds, between two consecutive acknowledgements: how long the client could not send. */
    static double longestGap(java.util.Map<String, Long> acknowledged) {
        long[] times = acknowledged.values().stream().mapToLong(Long::longValue).sorted().toArray();
        long gap = 0;
        for (int i = 1; i < times.length; i++) {
            gap = Math.max(gap, times[i] - times[i - 1]);
        }
        return gap / 1e9;
    }

    interface Send {
        void run() throws Exception;
    }

    private static void sendWithRetries(Send send) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                send.run();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
