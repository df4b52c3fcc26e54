package io.junction.client;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.time.Duration;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Calls a broker's management resources over JMS: a request to {@code activemq.management} and its answer on a
 * temporary queue of its own session. The connection must be started. Junction's own resources answer JSON text.
 */
public final class ManagementClient implements AutoCloseable {
    /** The address Artemis takes management requests on. */
    public static final String ADDRESS = "activemq.management";
    /** Junction's resource for tenants and users ({@code createTenant}, {@code addUser}, ...; each answers JSON text). */
    public static final String DIRECTORY = "junction.directory";
    /** Junction's resource for the device inventory ({@code addDevice}, {@code devices}, {@code siteDevices}, ...). */
    public static final String INVENTORY = "junction.inventory";

    private final Session session;
    private final TemporaryQueue replies;
    private final MessageProducer requests;
    private final MessageConsumer answers;
    private final Duration timeout;

    /** On a session of its own of {@code connection}, waiting up to {@code timeout} for each answer. */
    public ManagementClient(Connection connection, Duration timeout) throws JMSException {
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        this.timeout = timeout;
        try {
            replies = session.createTemporaryQueue();
            requests = session.createProducer(session.createQueue(ADDRESS));
            answers = session.createConsumer(replies);
        } catch (JMSException e) {
            session.close();
            throw e;
        }
    }

    /** The result of {@code operation} of {@code resource} (e.g. {@code broker}, a queue's name) with {@code args}. */
    public Object invoke(String resource, String operation, Object... args) throws JMSException {
        Message request = session.createMessage();
        JMSManagementHelper.putOperationInvocation(request, resource, operation, args);
        return call(request, resource + "." + operation, null);
    }

    /** {@link #invoke} for an operation that answers text (Junction's resources answer JSON text). */
    public String text(String resource, String operation, Object... args) throws JMSException {
        Message request = session.createMessage();
        JMSManagementHelper.putOperationInvocation(request, resource, operation, args);
        return (String) call(request, resource + "." + operation, String.class);
    }

    /** The value of {@code attribute} of {@code resource}. */
    public Object attribute(String resource, String attribute) throws JMSException {
        Message request = session.createMessage();
        JMSManagementHelper.putAttribute(request, resource, attribute);
        return call(request, resource + "." + attribute, null);
    }

    private Object call(Message request, String what, Class<?> type) throws JMSException {
        request.setJMSReplyTo(replies);
        requests.send(request);
        Message reply = answers.receive(timeout.toMillis());
        if (reply == null) {
            throw new Refused(what + ": the broker did not answer within " + timeout.toSeconds() + " s", false);
        }
        Object result;
        try {
            result = type == null ? JMSManagementHelper.getResult(reply) : JMSManagementHelper.getResult(reply, type);
        } catch (JMSException e) {
            throw e;
        } catch (Exception e) {
            throw new Refused(what + ": cannot read the broker's answer: " + e.getMessage(), true);
        }
        if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
            throw new Refused(String.valueOf(result).replaceAll("^AMQ\\d+: ", ""), true);
        }
        return result;
    }

    @Override
    public void close() throws JMSException {
        session.close();
    }

    /** The broker refused a management call, did not answer it, or answered what cannot be read; says why in one line. */
    public static final class Refused extends JMSException {
        private static final long serialVersionUID = 1L;
        private final boolean answered;

        Refused(String reason, boolean answered) {
            super(reason);
            this.answered = answered;
        }

        /** Whether the broker answered (and refused or garbled) rather than stayed silent. */
        public boolean answered() {
            return answered;
        }
    }
}
