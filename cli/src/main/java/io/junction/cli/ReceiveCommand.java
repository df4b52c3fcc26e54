package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.Credentials;
import io.junction.client.Destinations;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "receive", mixinStandardHelpOptions = true, header = "Receive messages from an address.",
        description = {"Consumes up to --count messages, waiting at most --timeout seconds in all, and prints each one.",
                "Exits 1 when fewer than --count arrive in time."},
        footer = {"", "Examples:",
                "  junction receive --from orders",
                "  junction receive --from orders --count 100 --timeout 30 --json",
                "  junction receive --from topic://devices.r1.metrics --count 5"})
final class ReceiveCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Mixin
    OutputOptions output;

    @Option(names = "--from", required = true, paramLabel = "ADDRESS",
            description = "Source: NAME or queue://NAME for a queue, topic://NAME for a topic (subscribes from now on).")
    String from;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "Messages to receive (default ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--timeout", defaultValue = "5", paramLabel = "S", description = "Seconds to wait in all (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Override
    public Integer call() throws JMSException {
        if (count < 1) {
            throw CliFailure.usage("Invalid value " + count + " for option '--count': must be at least 1");
        }
        if (timeoutSeconds <= 0) {
            throw CliFailure.usage("Invalid value " + timeoutSeconds + " for option '--timeout': must be positive");
        }
        List<Map<String, Object>> received = new ArrayList<>();
        Progress progress = new Progress("received", count);
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        Message lastMessage = null;
        try (Credentials.Open c = client.connect()) {
            Session session = c.connection().createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(Destinations.forReceiving(session, from));
            while (received.size() < count) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    break;
                }
                Message message = consumer.receive(leftMs);
                if (message == null) {
                    break;
                }
                lastMessage = message;
                received.add(describe(message));
                progress.update(received.size());
                if (!output.json) {
                    print(received.get(received.size() - 1));
                    message.acknowledge();
                }
            }
            progress.done();
            if (output.json) {
                output.result("", Map.of("address", from, "received", received));
            }
            // acknowledged only once shown: a message consumed but never printed goes back to the queue
            if (output.json && lastMessage != null) {
                lastMessage.acknowledge();
            }
        } catch (JMSSecurityException e) {
            throw CliFailure.failure("Refused: " + ClientErrors.rootMessage(e));
        }
        if (received.size() < count) {
            throw CliFailure.failure("Received " + received.size() + " of " + count + " message" + (count == 1 ? "" : "s")
                    + " from " + from + " within " + timeoutSeconds + " s");
        }
        return 0;
    }

    private void print(Map<String, Object> m) {
        output.result(m.get("id") + (Boolean.TRUE.equals(m.get("redelivered")) ? " (redelivered)" : "") + ": " + m.get("body"), m);
    }

    private static Map<String, Object> describe(Message message) throws JMSException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", message.getJMSMessageID());
        m.put("timestamp", message.getJMSTimestamp());
        m.put("redelivered", message.getJMSRedelivered());
        if (message instanceof TextMessage text) {
            m.put("body", text.getText());
        } else if (message instanceof BytesMessage bytes) {
            byte[] data = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(data);
            m.put("body", printable(data) ? new String(data, StandardCharsets.UTF_8) : "<" + data.length + " bytes>");
        } else {
            m.put("body", "<" + message.getClass().getSimpleName() + ">");
        }
        return m;
    }

    /** MQTT and AMQP publishers often send UTF-8 text as bytes; show it as text when it is. */
    private static boolean printable(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        return s.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD || c == '\n' || c == '\t' || c == '\r');
    }
}
