package io.junction.tenant;

import io.junction.security.DirectoryStore;
import io.junction.security.User;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerQueuePlugin;
import org.apache.activemq.artemis.utils.UUID;

/**
 * A tenant's admin may create queues on addresses named by a UUID only for its temporary reply queues (see
 * {@code TenantAccess}); a durable or lasting queue there would sit outside every tenant's limits. The size of such
 * addresses is bounded by the {@code uuid.#} address settings.
 */
final class TemporaryQueues implements ActiveMQServerQueuePlugin {
    private final DirectoryStore store;

    TemporaryQueues(DirectoryStore store) {
        this.store = store;
    }

    @Override
    public void beforeCreateQueue(QueueConfiguration queue) throws ActiveMQSecurityException {
        if (queue.getAddress() == null || !UUID.isUUID(queue.getAddress()) || Boolean.TRUE.equals(queue.isTemporary())) {
            return;
        }
        String creator = queue.getUser() == null ? null : queue.getUser().toString();
        User user = creator == null ? null : store.snapshot().user(creator).orElse(null);
        if (user != null && !user.isServiceAdmin()) {
            throw new ActiveMQSecurityException("User " + creator + " may create only temporary queues on " + queue.getAddress());
        }
    }
}
