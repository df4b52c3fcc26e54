package io.junction.tenant;

import io.junction.config.Sizes;
import io.junction.security.DirectoryStore;
import io.junction.security.Tenant;
import io.junction.security.TenantLimits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * A tenant's disk quota over all its addresses together: Artemis bounds each address's paged messages on its own
 * ({@code page-limit-bytes}), so a tenant with several addresses could page several quotas. Once the pages of all the
 * tenant's addresses add up to its {@code max-disk}, every send to the tenant is refused until consumers catch up.
 * The sum is recomputed at most every 100 ms, so a burst may overshoot by what arrives in that time.
 */
final class TenantQuota implements ActiveMQServerMessagePlugin {
    private static final long REFRESH_NANOS = 100_000_000L;

    private final ActiveMQServer server;
    private final DirectoryStore store;
    private final Map<String, long[]> paged = new ConcurrentHashMap<>();

    TenantQuota(ActiveMQServer server, DirectoryStore store) {
        this.server = server;
        this.store = store;
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
        if (tenant == null || tenant.limits().onFull() != TenantLimits.Full.REFUSE) {
            return;
        }
        long bytes = pagedBytes(tenant);
        if (bytes >= tenant.limits().maxDisk()) {
            throw new ActiveMQAddressFullException("Tenant " + tenant.id() + " is at its disk quota (" + Sizes.format(tenant.limits().maxDisk())
                    + " of paged messages): sends are refused until its consumers catch up");
        }
    }

    /** The bytes of page files under the tenant's addresses, recomputed when the last sum is older than 100 ms. */
    long pagedBytes(Tenant tenant) {
        long now = System.nanoTime();
        long[] last = paged.get(tenant.id());
        if (last != null && now - last[1] < REFRESH_NANOS) {
            return last[0];
        }
        long sum = 0;
        try {
            for (SimpleString name : server.getPagingManager().getStoreNames()) {
                if (name.toString().startsWith(tenant.prefix())) {
                    PagingStore s = server.getPagingManager().getPageStore(name);
                    if (s != null && s.isPaging()) {
                        sum += s.getNumberOfPages() * s.getPageSizeBytes();
                    }
                }
            }
        } catch (Exception e) {
            return last == null ? 0 : last[0];
        }
        paged.put(tenant.id(), new long[] {sum, now});
        return sum;
    }
}
