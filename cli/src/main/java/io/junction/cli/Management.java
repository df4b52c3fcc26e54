package io.junction.cli;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Calls an operation of an Artemis management resource over an open connection and returns its result. A refusal
 * by the broker (a failed operation) becomes a one-line {@link CliFailure} with the broker's reason.
 */
final class Management implements AutoCloseable {
    private static final String ADDRESS = "activemq.management";
    static final long REPLY_TIMEOUT_MS = 15_000;

    private final Session session;
    private final TemporaryQueue replies;
    private final MessageProducer requests;
    private final MessageConsumer answers;

    Management(ClientOptions.Client client) throws JMSException {
        session = client.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        replies = session.createTemporaryQueue();
        requests = session.createProducer(session.createQueue(ADDRESS));
        answers = session.createConsumer(replies);
    }

    /** The operation's result as the broker returned it (JSON text for Junction's resources). */
    String invoke(String resource, String operation, Object... args) throws JMSException {
        Message request = session.createMessage();
        request.setJMSReplyTo(replies);
        JMSManagementHelper.putOperationInvocation(request, resource, operation, args);
        requests.send(request);
        Message reply = answers.receive(REPLY_TIMEOUT_MS);
        if (reply == null) {
            throw CliFailure.failure("The broker did not answer the management request within " + REPLY_TIMEOUT_MS / 1000 + " s");
        }
        Object result;
        try {
            result = JMSManagementHelper.getResult(reply, String.class);
        } catch (JMSException e) {
            throw e;
        } catch (Exception e) {
            throw CliFailure.failure("Cannot read the broker's answer: " + e.getMessage());
        }
        if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
            throw CliFailure.failure(String.valueOf(result).replaceAll("^AMQ\\d+: ", ""));
        }
        return (String) result;
    }

    @Override
    public void close() throws JMSException {
        session.close();
    }
}
