package io.junction.tenant;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Who sent the management message being handled: Artemis handles a management message in the sending session's
 * thread, right after the plugins' {@code beforeSend}, but does not tell the invoked resource. Every send sets the
 * sender (or clears it for an ordinary message) and clears it when done, so no value outlives its message.
 */
public final class ManagementCaller implements ActiveMQServerMessagePlugin {
    private static final ThreadLocal<String> CALLER = new ThreadLocal<>();
    private final String managementAddress;

    ManagementCaller(String managementAddress) {
        this.managementAddress = managementAddress;
    }

    /** The user whose management message this thread is handling, or null. */
    static String current() {
        return CALLER.get();
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue) {
        String address = message.getAddress();
        if (managementAddress.equals(address)) {
            CALLER.set(session.getUsername());
        } else {
            CALLER.remove();
        }
    }

    @Override
    public void afterSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue, RoutingStatus result) {
        CALLER.remove();
    }

    @Override
    public void onSendException(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue, Exception e)
            throws ActiveMQException {
        CALLER.remove();
    }
}
