package io.junction.cluster.fence;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.PostOffice;
import org.apache.activemq.artemis.core.postoffice.impl.PostOfficeImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Marks a send that Artemis is about to drop as a duplicate, so that its answer waits for the send it duplicates.
 * <p>
 * Artemis records a duplicate-detection id when it routes a send, long before that send is safe, and answers a later
 * send with the same id (a client's retry after a timeout or a failover) as if it were stored. On a frozen broker that
 * wakes up, or one whose backup has just gone, the first send may still be waiting at the fence, and may never pass
 * it: without this, the retry's answer would vouch for it. Neither message-route hook runs for a duplicate, so the id
 * caches are read before the send: a send seen as a duplicate that is not one only waits longer.
 */
final class DuplicateWatch implements ActiveMQServerMessagePlugin {
    private final ActiveMQServer server;

    DuplicateWatch(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue) throws ActiveMQException {
        // through the storage: a thread without a context (MQTT's pool threads) gets its fenced one now, not after the send
        if (!(server.getStorageManager().getContext() instanceof FencedContext context) || message.getAddressSimpleString() == null) {
            return;
        }
        PostOffice office = server.getPostOffice();
        SimpleString address = message.getAddressSimpleString();
        byte[] bridge = message.getExtraBytesProperty(Message.HDR_BRIDGE_DUPLICATE_ID);
        byte[] id = message.getDuplicateIDBytes();
        if (bridge != null && office.getDuplicateIDCache(PostOfficeImpl.BRIDGE_CACHE_STR.concat(address)).contains(bridge)
                || bridge == null && id != null && office.getDuplicateIDCache(address).contains(id)) {
            context.duplicateRouted();
        }
    }
}
