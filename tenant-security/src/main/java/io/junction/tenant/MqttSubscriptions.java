package io.junction.tenant;

import io.junction.security.DirectoryStore;
import io.junction.security.TemporaryQueueOwners;
import io.junction.security.TenantAccess;
import io.junction.security.User;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTUtil;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.apache.activemq.artemis.utils.CompositeAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT subscription is a queue named after the client id, or after the share name of a shared subscription
 * ({@code $share/NAME/topic} is the queue {@code NAME.topic}). Artemis attaches to a queue of that name if one exists,
 * without the checks of creating it, and deletes it when the consumer cannot be attached or the session ends: a share
 * name could reach any queue of the broker. A subscription is therefore let through only if its queue is one the
 * user may name, and, if the queue exists, one it may read and that is not a tenant's own destination; otherwise the
 * connection is closed and the attempt logged.
 */
final class MqttSubscriptions implements MQTTInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(MqttSubscriptions.class);

    private final ActiveMQServer server;
    private final DirectoryStore store;
    private final TemporaryQueueOwners owners;
    private final QueueGuard guard;

    MqttSubscriptions(ActiveMQServer server, DirectoryStore store, TemporaryQueueOwners owners, QueueGuard guard) {
        this.server = server;
        this.store = store;
        this.owners = owners;
        this.guard = guard;
    }

    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) {
        List<String> filters;
        if (packet instanceof MqttSubscribeMessage subscribe) {
            filters = subscribe.payload().topicSubscriptions().stream().map(MqttTopicSubscription::topicFilter).toList();
        } else if (packet instanceof MqttUnsubscribeMessage unsubscribe) {
            filters = unsubscribe.payload().topics();
        } else {
            return true;
        }
        String name = connection.getSubject() == null ? null : connection.getSubject().getPrincipals(UserPrincipal.class).stream()
                .map(UserPrincipal::getName).findFirst().orElse(null);
        User user = name == null ? null : store.snapshot().user(name).orElse(null);
        if (user != null && user.isServiceAdmin()) {
            return true;
        }
        for (String filter : filters) {
            String refusal = user == null ? "no known user" : refusal(user, connection.getClientID(), filter);
            if (refusal != null) {
                LOG.warn("MQTT subscription '{}' of client '{}' refused for user '{}' from {}: {}; connection closed", filter,
                        connection.getClientID(), name, connection.getRemoteAddress(), refusal);
                return false;
            }
        }
        return true;
    }

    private String refusal(User user, String clientId, String filter) {
        WildcardConfiguration wildcards = server.getConfiguration().getWildcardConfiguration();
        // the queue names Artemis derives when subscribing (from the address part) and when unsubscribing (from it all)
        Set<String> queues = Stream.of(CompositeAddress.extractAddressName(filter), filter)
                .map(f -> MQTTUtil.getCoreQueueFromMqttTopic(f, clientId == null ? "" : clientId, wildcards)).collect(Collectors.toSet());
        for (String queue : queues) {
            if (!TenantAccess.mayNameQueue(user, queue, true)) {
                return "its queue would be " + queue + ", a name outside the user's tenant";
            }
            Queue existing = server.locateQueue(SimpleString.of(queue));
            if (existing != null && guard.isProvisioned(queue)) {
                return "its queue would be " + queue + ", a tenant's own destination";
            }
            if (existing != null && !TenantAccess.allows(user, org.apache.activemq.artemis.core.security.CheckType.CONSUME,
                    existing.getAddress() + "::" + queue, owners)) {
                return "its queue would be the existing " + queue + " on " + existing.getAddress() + ", which the user may not read";
            }
        }
        return null;
    }
}
