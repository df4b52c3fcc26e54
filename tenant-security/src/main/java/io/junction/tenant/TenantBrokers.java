package io.junction.tenant;

import io.junction.client.ManagementClient;
import io.junction.client.TenantAddresses;
import io.junction.security.Directory;
import io.junction.security.DirectoryStore;
import io.junction.security.JunctionSecurityManager;
import io.junction.security.TemporaryQueueOwners;
import io.junction.security.Tenant;
import io.junction.security.TenantLimits;
import io.junction.security.User;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.PageFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.ResourceLimitSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one broker in step with the directory: every tenant's address settings (limits, dead-letter and expiry
 * addresses) and its users' queue limits on every broker, active or passive, so that a backup that takes over
 * enforces them at once; and on an active broker the tenant's destinations, each a publish-subscribe address with a
 * durable queue of the same name, so that nothing published before a consumer subscribes is lost.
 */
public final class TenantBrokers {
    private static final Logger LOG = LoggerFactory.getLogger(TenantBrokers.class);
    /** The management resource the CLI's tenant and user commands call. */
    public static final String RESOURCE = ManagementClient.DIRECTORY;

    private TenantBrokers() {
    }

    /**
     * Prepares a created, not yet started broker: thread-safe settings maps, and on every activation (start,
     * failover, failback) the management resource and the directory applied again.
     */
    public static void prepare(ActiveMQServer server, DirectoryStore store) {
        Configuration c = server.getConfiguration();
        c.setAddressSettings(new ConcurrentHashMap<>(c.getAddressSettings()));
        c.setResourceLimitSettings(new ConcurrentHashMap<>(c.getResourceLimitSettings()));
        // each management operation is authorised on its own (mops.RESOURCE.OPERATION), so that a tenant's admin may
        // manage its users through junction.directory and nothing else
        c.setManagementMessageRbac(true);
        c.registerBrokerPlugin(new ManagementCaller(c.getManagementAddress().toString()));
        TemporaryQueueOwners owners = server.getSecurityManager() instanceof JunctionSecurityManager j ? j.temporaryQueues() : new TemporaryQueueOwners();
        QueueGuard guard = new QueueGuard(server, store, owners);
        c.registerBrokerPlugin(guard);
        c.registerBrokerPlugin(new TenantQuota(server, store, guard));
        c.registerBrokerPlugin(new DeadLetterReason(server));
        // addresses named by a UUID (temporary reply queues) match the settings "uuid.#": at most 10 MiB each in
        // memory and 10 MiB paged, then sends fail, so no one parks data there outside every tenant's quota. They page
        // rather than fail when the broker's memory is full, so management answers still come back.
        c.setUuidNamespace("uuid");
        c.getAddressSettings().put("uuid.#", new AddressSettings().setMaxSizeBytes(10L << 20).setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setPageSizeBytes(1 << 20).setPageLimitBytes(10L << 20).setPageFullMessagePolicy(PageFullMessagePolicy.FAIL));
        apply(server, store.snapshot());
        server.registerActivateCallback(new ActivateCallback() {
            @Override
            public void activated() {
                // before the acceptors open; a restarted server has a new remoting service without it
                if (server.getRemotingService().getIncomingInterceptors().stream().noneMatch(i -> i instanceof MqttClientIds)) {
                    server.getRemotingService().addIncomingInterceptor(new MqttClientIds(store));
                    server.getRemotingService().addIncomingInterceptor(new MqttSubscriptions(server, store, owners, guard));
                }
            }

            @Override
            public void activationComplete() {
                server.getManagementService().registerInRegistry(RESOURCE, new DirectoryResource(server, store));
                server.getManagementService().registerInRegistry(ManagementClient.INVENTORY, new InventoryResource(store));
                // Artemis calls this holding the server's lock; apply in another thread, never holding both locks at once
                CompletableFuture.runAsync(() -> {
                    try {
                        apply(server, store.snapshot());
                    } catch (RuntimeException e) {
                        LOG.error("Broker {}: applying the tenants on activation failed: {}", server.getConfiguration().getName(), e.getMessage(), e);
                    }
                });
            }
        });
    }

    /** Applies the directory to the broker; safe to repeat, and a no-op for what is already in place. */
    public static synchronized void apply(ActiveMQServer server, Directory directory) {
        Configuration c = server.getConfiguration();
        Map<String, AddressSettings> wanted = new TreeMap<>();
        directory.tenants().values().forEach(t -> wanted.put(t.prefix() + "#", addressSettings(t)));
        // an announcement that expires (its poller gone) is dropped, not kept in the tenant's expiry queue
        directory.tenants().values().forEach(t -> wanted.put(t.address(TenantAddresses.POLLERS), addressSettings(t).setExpiryAddress(SimpleString.of(""))));
        for (String match : new HashSet<>(c.getAddressSettings().keySet())) {
            if (match.startsWith(Tenant.ADDRESS_ROOT + ".") && !wanted.containsKey(match)) {
                c.getAddressSettings().remove(match);
                server.getAddressSettingsRepository().removeMatch(match);
            }
        }
        wanted.forEach((match, settings) -> {
            if (!settings.equals(c.getAddressSettings().get(match))) {
                c.getAddressSettings().put(match, settings);
                server.getAddressSettingsRepository().addMatch(match, settings);
            }
        });
        Map<String, ResourceLimitSettings> limits = c.getResourceLimitSettings();
        Set<String> tenantUsers = new HashSet<>();
        for (User u : directory.users().values()) {
            Tenant t = u.tenant() == null ? null : directory.tenants().get(u.tenant());
            if (t != null) {
                tenantUsers.add(u.name());
                ResourceLimitSettings r = limits.get(u.name());
                if (r == null || r.getMaxQueues() != t.limits().maxQueues()) {
                    ResourceLimitSettings next = new ResourceLimitSettings();
                    next.setMatch(SimpleString.of(u.name()));
                    next.setMaxQueues(t.limits().maxQueues());
                    next.setMaxSessions(-1);
                    limits.put(u.name(), next);
                }
            }
        }
        limits.keySet().retainAll(tenantUsers);
        // a broker still starting has no post office yet; activationComplete creates the destinations once it serves
        if (server.isActive() && server.getPostOffice() != null && server.getPostOffice().isStarted()) {
            directory.tenants().values().forEach(t -> createDestinations(server, t));
            for (String id : directory.deleted()) {
                try {
                    AlertRouting.remove(server, id);
                    removeDestinations(server, Tenant.ADDRESS_ROOT + "." + id + ".");
                } catch (Exception e) {
                    LOG.warn("Broker {}: cannot remove the destinations of deleted tenant {}: {}", c.getName(), id, e.getMessage());
                }
            }
        }
    }

    static AddressSettings addressSettings(Tenant tenant) {
        TenantLimits l = tenant.limits();
        AddressSettings s = new AddressSettings()
                .setMaxSizeBytes(l.maxMemory())
                .setDeadLetterAddress(SimpleString.of(tenant.address(Tenant.DEAD_LETTERS)))
                .setExpiryAddress(SimpleString.of(tenant.address(Tenant.EXPIRED)))
                // no redelivery delay: a delayed redelivery lets the next messages of its group (a device's) overtake
                // it; Junction's listeners back off before they roll back instead (ListenerLoop)
                .setMaxDeliveryAttempts(l.maxDeliveries());
        if (l.onFull() == TenantLimits.Full.BLOCK) {
            s.setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK);
        } else {
            // Artemis counts the quota in whole page files (limit / page size), so pages are a sixteenth of it
            int pageSize = (int) Math.min(10L << 20, Math.max(64L << 10, l.maxDisk() / 16));
            s.setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE).setPageSizeBytes(pageSize).setPageLimitBytes(l.maxDisk())
                    .setPageFullMessagePolicy(PageFullMessagePolicy.FAIL);
        }
        return s;
    }

    /** Creates what is missing of the tenant's addresses and their durable queues; never touches what exists. */
    private static void createDestinations(ActiveMQServer server, Tenant tenant) {
        for (String address : tenant.addresses()) {
            SimpleString name = SimpleString.of(address);
            // the pollers' announcements: one queue, the last of each announcer kept, browsed rather than taken
            boolean announcements = address.equals(tenant.address(TenantAddresses.POLLERS));
            RoutingType routing = announcements ? RoutingType.ANYCAST : RoutingType.MULTICAST;
            try {
                if (server.getAddressInfo(name) == null) {
                    server.addAddressInfo(new AddressInfo(name, routing));
                }
                Queue existing = server.locateQueue(name);
                if (existing == null) {
                    QueueConfiguration queue = QueueConfiguration.of(name).setAddress(name).setRoutingType(routing).setDurable(true)
                            .setAutoCreateAddress(false);
                    if (announcements) {
                        queue.setLastValueKey(TenantAddresses.ANNOUNCER).setNonDestructive(true);
                    }
                    server.createQueue(queue, true);
                } else if (!existing.getAddress().equals(name)) {
                    LOG.error("Broker {}: the queue {} of tenant {} is bound to address {}, not to its own: its messages are not kept there",
                            server.getConfiguration().getName(), name, tenant.id(), existing.getAddress());
                }
            } catch (Exception e) {
                LOG.warn("Broker {}: cannot create {} of tenant {}: {}", server.getConfiguration().getName(), address, tenant.id(), e.getMessage());
            }
        }
        AlertRouting.deploy(server, tenant);
    }

    /** Messages held under the tenant's addresses on this broker, by queue. */
    static Map<String, Long> messageCounts(ActiveMQServer server, Tenant tenant) {
        Map<String, Long> counts = new TreeMap<>();
        for (SimpleString address : server.getPostOffice().getAddresses()) {
            if (!address.toString().startsWith(tenant.prefix())) {
                continue;
            }
            try {
                for (SimpleString queueName : server.bindingQuery(address).getQueueNames()) {
                    Queue q = server.locateQueue(queueName);
                    if (q != null) {
                        counts.put(queueName.toString(), q.getMessageCount());
                    }
                }
            } catch (Exception e) {
                LOG.debug("Cannot count the messages of {}: {}", address, e.getMessage());
            }
        }
        return counts;
    }

    /** Removes every queue and address of the tenant from this broker, whatever they hold. */
    static void removeDestinations(ActiveMQServer server, String tenantPrefix) throws Exception {
        for (SimpleString address : Set.copyOf(server.getPostOffice().getAddresses())) {
            if (!address.toString().startsWith(tenantPrefix)) {
                continue;
            }
            for (SimpleString queueName : server.bindingQuery(address).getQueueNames()) {
                server.destroyQueue(queueName, null, false, true, false, false);
            }
            server.removeAddressInfo(address, null, true);
        }
    }
}
