package io.junction.client;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

/** What a client tells its user when the bus refuses or fails, in one line. */
public final class ClientErrors {
    private ClientErrors() {
    }

    /** The message of the innermost cause, without Artemis's {@code AMQnnnnnn: } code; its class name if it has none. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.replaceAll("^AMQ\\d+: ", "");
    }

    /** Closes a connection that has failed already, if any: closing it is only tidying up. */
    public static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (JMSException | RuntimeException ignored) {
            // nothing more to do for a connection that failed
        }
    }
}
