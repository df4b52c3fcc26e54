package io.junction.tenant;

import io.junction.security.DirectoryStore;
import io.junction.security.Tenant;
import io.junction.security.User;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTInterceptor;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT client ids are one namespace across the broker, and a client that connects with an id in use takes the
 * session over. A tenant's user must therefore use ids inside its tenant ({@code tenant.ID.<device>}, or an empty id
 * for the broker to choose), and the operator ids outside every tenant; otherwise the connection is closed at once.
 */
final class MqttClientIds implements MQTTInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(MqttClientIds.class);

    private final DirectoryStore store;

    MqttClientIds(DirectoryStore store) {
        this.store = store;
    }

    @Override
    public boolean intercept(MqttMessage packet, RemotingConnection connection) {
        if (!(packet instanceof MqttConnectMessage connect)) {
            return true;
        }
        String clientId = connect.payload().clientIdentifier();
        String name = connect.payload().userName();
        User user = name == null ? null : store.snapshot().user(name).orElse(null);
        if (user == null || user.isServiceAdmin() || clientId == null || clientId.isEmpty()) {
            return true;
        }
        String tenantRoot = Tenant.ADDRESS_ROOT + ".";
        boolean allowed = user.tenant() == null ? !clientId.startsWith(tenantRoot) : clientId.startsWith(tenantRoot + user.tenant() + ".");
        if (!allowed) {
            LOG.warn("MQTT client id '{}' refused for user '{}' from {}: {}", clientId, name, connection.getRemoteAddress(),
                    user.tenant() == null ? "ids starting tenant. belong to tenants" : "use tenant." + user.tenant() + ".<device>");
        }
        return allowed;
    }
}
