package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.Credentials;
import io.junction.client.Destinations;
import io.junction.client.ReliableSender;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "send", mixinStandardHelpOptions = true, header = "Send messages to an address.",
        description = "Sends text or random-bytes messages. Durable sends wait for the broker's acknowledgement.",
        footer = {"", "Examples:",
                "  junction send --to orders --body 'hello'",
                "  junction send --to topic://devices.r1.metrics --count 1000 --size 1024",
                "  junction send --to orders --count 10 --no-persistent --json"})
final class SendCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Mixin
    OutputOptions output;

    private static final Duration FAILOVER_RETRY = Duration.ofSeconds(60);

    @Option(names = "--to", required = true, paramLabel = "ADDRESS",
            description = "Destination: NAME or queue://NAME for a queue, topic://NAME for a topic.")
    String to;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "Messages to send (default ${DEFAULT-VALUE}).")
    long count;

    @ArgGroup(exclusive = true)
    Payload payload = new Payload();

    static final class Payload {
        @Option(names = "--body", paramLabel = "TEXT", description = "Text body of each message.")
        String body;

        @Option(names = "--size", paramLabel = "BYTES", description = "Send a bytes message of this many random bytes.")
        Integer size;
    }

    @Option(names = "--persistent", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Durable messages, acknowledged once on disk (default). --no-persistent sends non-durable messages.")
    boolean persistent;

    @Override
    public Integer call() throws JMSException {
        if (count < 1) {
            throw CliFailure.usage("Invalid value " + count + " for option '--count': must be at least 1");
        }
        if (payload.size != null && payload.size < 0) {
            throw CliFailure.usage("Invalid value " + payload.size + " for option '--size': must not be negative");
        }
        Progress progress = new Progress("sent", count);
        long start;
        try (Credentials.Open c = client.connect()) {
            start = System.nanoTime();
            Session session = c.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(Destinations.forSending(session, to));
            producer.setDeliveryMode(persistent ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
            // through a cluster URL a send that failover interrupts is retried; its duplicate-detection id keeps it single
            ReliableSender sender = new ReliableSender(producer, c.factory().getServerLocator().isHA() ? FAILOVER_RETRY : Duration.ZERO);
            byte[] bytes = null;
            if (payload.size != null) {
                bytes = new byte[payload.size];
                ThreadLocalRandom.current().nextBytes(bytes);
            }
            for (long i = 1; i <= count; i++) {
                Message message;
                if (bytes != null) {
                    BytesMessage bm = session.createBytesMessage();
                    bm.writeBytes(bytes);
                    message = bm;
                } else {
                    message = session.createTextMessage(payload.body != null ? payload.body : "message " + i);
                }
                sender.send(message);
                progress.update(i);
            }
        } catch (JMSSecurityException e) {
            throw CliFailure.failure("Refused: " + ClientErrors.rootMessage(e));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.done();
        String rate = count >= 100 ? String.format(" (%.0f msg/s)", count / seconds) : "";
        output.result(String.format("Sent %d %s message%s to %s in %.2f s%s", count, persistent ? "durable" : "non-durable",
                count == 1 ? "" : "s", to, seconds, rate),
                Map.of("sent", count, "address", to, "persistent", persistent, "seconds", round(seconds)));
        return 0;
    }

    static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
