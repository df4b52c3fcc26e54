package io.junction.cli;

import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import jakarta.jms.JMSException;
import java.time.Duration;

/**
 * Calls an operation of an Artemis management resource over an open connection and returns its result. A refusal
 * by the broker (a failed operation) becomes a one-line {@link CliFailure} with the broker's reason.
 */
final class Management implements AutoCloseable {
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);

    private final ManagementClient client;

    Management(Credentials.Open client) throws JMSException {
        this.client = new ManagementClient(client.connection(), REPLY_TIMEOUT);
    }

    /** The operation's result as the broker returned it (JSON text for Junction's resources). */
    String invoke(String resource, String operation, Object... args) throws JMSException {
        try {
            return client.text(resource, operation, args);
        } catch (ManagementClient.Refused e) {
            throw CliFailure.failure(e.getMessage());
        }
    }

    @Override
    public void close() throws JMSException {
        client.close();
    }
}
