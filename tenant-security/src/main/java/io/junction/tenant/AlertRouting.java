package io.junction.tenant;

import io.junction.client.TenantAddresses;
import io.junction.security.Tenant;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.DivertConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ComponentConfigurationRoutingType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker routes a tenant's serious events to its alerts, not the consumers: a divert copies each message of
 * {@code tenant.ID.events} whose {@code severity} is {@code critical} or {@code major} to {@code tenant.ID.alerts}
 * (the event stays on events too). Named outside every tenant ({@code junction.divert.ID.alerts}), where no tenant
 * may name a queue, so no tenant can take or block its name. The routing table is in docs/destinations.md.
 */
final class AlertRouting {
    private static final Logger LOG = LoggerFactory.getLogger(AlertRouting.class);
    /** The severities that are alerts. */
    static final String FILTER = "severity IN ('critical', 'major')";

    private AlertRouting() {
    }

    static String name(String tenantId) {
        return "junction.divert." + tenantId + ".alerts";
    }

    /** Deploys the tenant's divert unless it is there. */
    static void deploy(ActiveMQServer server, Tenant tenant) {
        SimpleString name = SimpleString.of(name(tenant.id()));
        try {
            org.apache.activemq.artemis.core.postoffice.Binding existing = server.getPostOffice().getBinding(name);
            if (existing instanceof org.apache.activemq.artemis.core.postoffice.impl.DivertBinding) {
                return;
            }
            if (existing != null) {
                LOG.error("Broker {}: {} is taken by a {} on {}: the alerts of tenant {} are not routed", server.getConfiguration().getName(), name,
                        existing.getClass().getSimpleName(), existing.getAddress(), tenant.id());
                return;
            }
            server.deployDivert(new DivertConfiguration().setName(name.toString()).setRoutingName(name.toString())
                    .setAddress(TenantAddresses.events(tenant.id())).setForwardingAddress(TenantAddresses.alerts(tenant.id()))
                    .setExclusive(false).setFilterString(FILTER).setRoutingType(ComponentConfigurationRoutingType.PASS));
        } catch (Exception e) {
            LOG.error("Broker {}: cannot route the alerts of tenant {}: {}", server.getConfiguration().getName(), tenant.id(), e.getMessage());
        }
    }

    /** Removes the divert of a deleted tenant, if any. */
    static void remove(ActiveMQServer server, String tenantId) throws Exception {
        SimpleString name = SimpleString.of(name(tenantId));
        if (server.getPostOffice().getBinding(name) instanceof org.apache.activemq.artemis.core.postoffice.impl.DivertBinding) {
            // from the journal too: a deployed divert is stored, and would come back at the next start
            server.destroyDivert(name, true);
        }
    }
}
