package io.junction.tenant;

import io.junction.config.Sizes;
import io.junction.security.DirectoryStore;
import io.junction.security.Tenant;
import io.junction.security.TenantLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.postoffice.Binding;
import org.apache.activemq.artemis.core.postoffice.QueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's limits over all its addresses together, which Artemis bounds only one address at a time (and a tenant
 * may create as many addresses as it likes):
 * <ul>
 * <li>{@code max-disk}: the bytes held by all the tenant's queues, in memory, paged, as large messages and as retained
 * MQTT messages, each queue counting what it holds; at it, every send to the tenant is refused until consumers catch
 * up;</li>
 * <li>{@code max-memory}: once the tenant's addresses hold that much in memory together, further messages are paged
 * to disk ({@code on-full refuse}) or refused ({@code on-full block}, where a single address blocks its producers at
 * that size by itself).</li>
 * </ul>
 * The figures are recomputed every 100 ms or so, for every tenant in one pass by one sender while the others go on,
 * so a burst may overshoot by what arrives in that time.
 */
final class TenantQuota implements ActiveMQServerMessagePlugin {
    private static final Logger LOG = LoggerFactory.getLogger(TenantQuota.class);
    private static final long REFRESH_NANOS = 100_000_000L;
    /** Set by Artemis on an MQTT message published with the retain flag. */
    private static final SimpleString RETAIN = SimpleString.of("mqtt.message.retain");

    private final ActiveMQServer server;
    private final DirectoryStore store;
    /** The last pass: every tenant's usage and the memory of each tenant address, taken at {@code at}. */
    private record Snapshot(Map<String, Usage> tenants, Map<String, Long> addressMemory, long at) {
    }

    private static final Snapshot NONE = new Snapshot(Map.of(), Map.of(), 0);
    private volatile Snapshot snapshot;
    /** One sender recomputes a stale snapshot; the others go on with the one they have, never waiting. */
    private final AtomicBoolean refreshing = new AtomicBoolean();

    /** What one tenant holds on this broker: in memory, and in all (memory, pages, large messages, retained). */
    record Usage(long memory, long stored) {
        Usage plus(long memoryBytes, long storedBytes) {
            return new Usage(memory + memoryBytes, stored + storedBytes);
        }
    }

    private final QueueGuard guard;

    TenantQuota(ActiveMQServer server, DirectoryStore store, QueueGuard guard) {
        this.server = server;
        this.store = store;
        this.guard = guard;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
            throws ActiveMQAddressFullException {
        // a message without an address goes to the session's default address (Artemis fills it in after this call)
        String address = message.getAddress() != null ? message.getAddress() : session.getDefaultAddress();
        if (address == null || !address.startsWith(Tenant.ADDRESS_ROOT + ".")) {
            return;
        }
        Tenant tenant = Tenant.owner(address).flatMap(id -> store.snapshot().tenant(id)).orElse(null);
        if (tenant == null) {
            return;
        }
        if (message.getBooleanProperty(RETAIN) != null && message.getBooleanProperty(RETAIN)) {
            // refused here, before Artemis creates the topic's retained-message address
            guard.checkRetainedTopics(address);
        }
        TenantLimits limits = tenant.limits();
        Snapshot current = current();
        Usage u = current.tenants().getOrDefault(tenant.id(), new Usage(0, 0));
        if (u.stored() >= limits.maxDisk()) {
            throw new ActiveMQAddressFullException("Tenant " + tenant.id() + " is at its disk quota (" + Sizes.format(limits.maxDisk())
                    + " held): sends are refused until its consumers catch up");
        }
        if (u.memory() < limits.maxMemory()) {
            return;
        }
        try {
            PagingStore pages = server.getPagingManager().getPageStore(SimpleString.of(address));
            if (limits.onFull() == TenantLimits.Full.BLOCK) {
                // one address at the limit blocks its own producers (Artemis); refuse only what the other addresses fill
                long others = u.memory() - current.addressMemory().getOrDefault(address, 0L);
                if (others > 0 && others + (pages == null ? 0 : pages.getAddressSize()) >= limits.maxMemory()) {
                    throw new ActiveMQAddressFullException("Tenant " + tenant.id() + " holds its max-memory (" + Sizes.format(limits.maxMemory())
                            + ") over all its addresses: sends are refused until its consumers catch up");
                }
            } else if (pages != null && !pages.isPaging() && pages.startPaging()) {
                LOG.debug("Tenant {} holds {} in memory: paging {}", tenant.id(), Sizes.format(u.memory()), address);
            }
        } catch (ActiveMQAddressFullException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("Cannot page {} of tenant {}: {}", address, tenant.id(), e.getMessage());
        }
    }

    /** A pass over every address of the broker, at most 100 ms old once the first pass is done. */
    Snapshot current() {
        Snapshot s = snapshot;
        if ((s == null || System.nanoTime() - s.at() >= REFRESH_NANOS) && refreshing.compareAndSet(false, true)) {
            try {
                s = compute(s);
                snapshot = s;
            } finally {
                refreshing.set(false);
            }
        }
        return s == null ? NONE : s;
    }

    private Snapshot compute(Snapshot previous) {
        Map<String, Usage> all = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        try {
            for (SimpleString address : server.getPostOffice().getAddresses()) {
                String a = address.toString();
                String tenantAddress = a.startsWith(QueueGuard.RETAINED) ? a.substring(QueueGuard.RETAINED.length()) : a;
                if (!tenantAddress.startsWith(Tenant.ADDRESS_ROOT + ".")) {
                    continue;
                }
                String id = Tenant.owner(tenantAddress).orElse(null);
                if (id == null) {
                    continue;
                }
                long memory = 0;
                PagingStore pages = server.getPagingManager().getPageStore(address);
                if (pages != null) {
                    memory = pages.getAddressSize();
                    sizes.put(a, memory);
                }
                long stored = 0;
                for (Binding b : server.getPostOffice().getBindingsForAddress(address).getBindings()) {
                    if (b instanceof QueueBinding q) {
                        stored += q.getQueue().getPersistentSize();
                    }
                }
                all.merge(id, new Usage(memory, stored), (x, y) -> x.plus(y.memory(), y.stored()));
            }
        } catch (Exception e) {
            LOG.debug("Cannot compute the tenants' usage: {}", e.getMessage());
            return previous;
        }
        return new Snapshot(all, sizes, System.nanoTime());
    }
}
