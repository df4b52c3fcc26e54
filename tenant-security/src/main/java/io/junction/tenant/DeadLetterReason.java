package io.junction.tenant;

import io.junction.client.TenantAddresses;
import java.time.Instant;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * Says why a message is in a tenant's dead letters: Artemis moves a message that was delivered the tenant's
 * max-deliveries times without being acknowledged (each handler failure rolls it back) to {@code tenant.ID.dlq} with
 * its original address and queue ({@code _AMQ_ORIG_ADDRESS}, {@code _AMQ_ORIG_QUEUE}) but no reason. This plugin adds
 * {@value #REASON} (e.g. "not acknowledged after 10 deliveries from tenant.acme.events.event-manager") and
 * {@value #AT} to the copy before it is stored. The consumer's own reason (its exception) is in its log with the
 * message's id, which the copy keeps.
 */
final class DeadLetterReason implements ActiveMQServerMessagePlugin {
    /** The property with the reason. */
    static final String REASON = "junction_dead_reason";
    /** When it was moved (ISO-8601). */
    static final String AT = "junction_dead_at";
    private static final String SUFFIX = "." + TenantAddresses.DEAD_LETTERS;

    private final ActiveMQServer server;

    DeadLetterReason(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
        String address = message.getAddress();
        if (address == null || !address.endsWith(SUFFIX)) {
            return;
        }
        java.util.Optional<String> tenant = TenantAddresses.owner(address);
        Object queue = message.getBrokerProperty(Message.HDR_ORIGINAL_QUEUE);
        Object from = message.getBrokerProperty(Message.HDR_ORIGINAL_ADDRESS);
        // only the broker's own move from the same tenant's address: a producer may send to its dead letters with
        // whatever headers it likes, and must learn nothing of another tenant's settings from them
        if (tenant.isEmpty() || queue == null || from == null || !address.equals(TenantAddresses.address(tenant.get(), TenantAddresses.DEAD_LETTERS))
                || !tenant.equals(TenantAddresses.owner(from.toString()))) {
            return;
        }
        AddressSettings settings = server.getAddressSettingsRepository().getMatch(from.toString());
        message.putStringProperty(REASON, "not acknowledged after " + settings.getMaxDeliveryAttempts() + " deliveries from " + queue.toString().replace("\\.", ".")
                + " (the tenant's max-deliveries; each failure of its consumer rolled it back, see the consumer's log for this message id)");
        message.putStringProperty(AT, Instant.now().toString());
    }
}
