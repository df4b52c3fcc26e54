package io.junction.tenant;

import io.junction.security.DirectoryStore;
import io.junction.security.TemporaryQueueOwners;
import io.junction.security.Tenant;
import io.junction.security.TenantAccess;
import io.junction.security.User;
import java.util.Optional;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.security.SecurityAuth;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerQueuePlugin;
import org.apache.activemq.artemis.utils.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last word on creating and destroying queues, whatever path asked (a client, or Artemis on a client's behalf):
 * <ul>
 * <li>a user names a queue only inside its own tenant (or by a UUID, for a non-durable one), so no one takes the name
 * of a queue that another tenant will need;</li>
 * <li>on an address named by a UUID only temporary queues of the same kind of name, each address used by the user who
 * created it alone ({@link TemporaryQueueOwners}); their size is bounded by the {@code uuid.#} address settings;</li>
 * <li>a tenant's retained MQTT messages (one queue per topic, under {@code $sys.mqtt.retain.tenant.ID.}) on at most
 * its {@code max-queues} topics;</li>
 * <li>a tenant's own destinations ({@code tenant.ID.metrics} ...) are removed only with the tenant.</li>
 * </ul>
 */
final class QueueGuard implements ActiveMQServerQueuePlugin {
    private static final Logger LOG = LoggerFactory.getLogger(QueueGuard.class);
    /** Where Artemis keeps the retained message of each MQTT topic: one queue per topic. */
    static final String RETAINED = "$sys.mqtt.retain.";

    private final ActiveMQServer server;
    private final DirectoryStore store;
    private final TemporaryQueueOwners owners;

    QueueGuard(ActiveMQServer server, DirectoryStore store, TemporaryQueueOwners owners) {
        this.server = server;
        this.store = store;
        this.owners = owners;
    }

    @Override
    public void beforeCreateQueue(QueueConfiguration queue) throws ActiveMQException {
        String name = queue.getName().toString();
        String address = queue.getAddress() == null ? name : queue.getAddress().toString();
        if (address.startsWith(RETAINED + Tenant.ADDRESS_ROOT + ".")) {
            checkRetainedTopics(address.substring(RETAINED.length()));
            return;
        }
        User user = queue.getUser() == null ? null : store.snapshot().user(queue.getUser().toString()).orElse(null);
        if (user == null || user.isServiceAdmin()) {
            return;
        }
        if (UUID.isUUID(address)) {
            if (!Boolean.TRUE.equals(queue.isTemporary()) || !UUID.isUUID(name)) {
                throw refuse(user, "may create only temporary queues named by a UUID on " + address + ", not " + name);
            }
            if (!owners.claim(address, user.name())) {
                throw refuse(user, "may not add a queue to another user's temporary address " + address);
            }
            return;
        }
        if (!TenantAccess.mayNameQueue(user, name, Boolean.FALSE.equals(queue.isDurable()))) {
            throw refuse(user, "may not name a queue " + name + ": its queues are named " + (user.tenant() == null
                    ? "outside every tenant" : "tenant." + user.tenant() + ".*"));
        }
    }

    private ActiveMQSecurityException refuse(User user, String what) {
        String message = "User " + user.name() + (user.tenant() == null ? "" : " of tenant " + user.tenant()) + " " + what;
        LOG.warn("Refused: {}", message);
        return new ActiveMQSecurityException(message);
    }

    /** Refuses a retained message on a new topic of a tenant that retains messages on {@code max-queues} topics. */
    void checkRetainedTopics(String topicAddress) throws ActiveMQAddressFullException {
        Tenant tenant = Tenant.owner(topicAddress).flatMap(id -> store.snapshot().tenant(id)).orElse(null);
        if (tenant == null || server.locateQueue(SimpleString.of(RETAINED + topicAddress)) != null) {
            return;
        }
        String prefix = RETAINED + tenant.prefix();
        long held = server.getPostOffice().getAddresses().stream().filter(a -> a.toString().startsWith(prefix) && server.locateQueue(a) != null).count();
        if (held >= tenant.limits().maxQueues()) {
            LOG.warn("Refused a retained message on a new topic of tenant {}: it retains messages on {} topics (max-queues)", tenant.id(), held);
            throw new ActiveMQAddressFullException("Tenant " + tenant.id() + " retains messages on " + held
                    + " topics, its max-queues: clear one (an empty retained message) before retaining on another");
        }
    }

    @Override
    public void beforeDestroyQueue(Queue queue, SecurityAuth session, boolean checkConsumerCount, boolean removeConsumers,
            boolean autoDeleteAddress) throws ActiveMQException {
        Optional<Tenant> owner = provisionedBy(queue.getName().toString());
        if (owner.isEmpty()) {
            return;
        }
        String caller = session == null ? null : session.getUsername();
        User user = caller == null ? null : store.snapshot().user(caller).orElse(null);
        if (user == null || !user.isServiceAdmin()) {
            LOG.warn("Refused to delete {}, a destination of tenant {}, for {}", queue.getName(), owner.get().id(),
                    caller == null ? "a protocol's clean-up" : "user '" + caller + "'");
            throw new ActiveMQSecurityException("Queue " + queue.getName() + " is a destination of tenant " + owner.get().id()
                    + ": it goes only with the tenant (junction tenant delete)");
        }
    }

    @Override
    public void afterDestroyQueue(Queue queue, SimpleString address, SecurityAuth session, boolean checkConsumerCount, boolean removeConsumers,
            boolean autoDeleteAddress) {
        if (address != null && UUID.isUUID(address.toString())) {
            owners.release(address.toString());
        }
    }

    /** The existing tenant whose own destination (created with it) {@code queue} is. */
    private Optional<Tenant> provisionedBy(String queue) {
        return Tenant.owner(queue).flatMap(id -> store.snapshot().tenant(id)).filter(t -> t.addresses().contains(queue));
    }

    /** Whether {@code queue} is the destination of an existing tenant, created with it. */
    boolean isProvisioned(String queue) {
        return provisionedBy(queue).isPresent();
    }
}
