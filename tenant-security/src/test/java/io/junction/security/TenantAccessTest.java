package io.junction.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;
import org.junit.jupiter.api.Test;

class TenantAccessTest {
    private static User user(String tenant, String... roles) {
        return new User("u", tenant, Set.of(roles), "hash");
    }

    @Test
    void aProducerOnlySendsToItsOwnTenant() {
        User p = user("a", User.PRODUCER);
        assertTrue(TenantAccess.allows(p, CheckType.SEND, "tenant.a.metrics"));
        assertFalse(TenantAccess.allows(p, CheckType.SEND, "tenant.b.metrics"));
        assertFalse(TenantAccess.allows(p, CheckType.CONSUME, "tenant.a.metrics"));
        assertFalse(TenantAccess.allows(p, CheckType.BROWSE, "tenant.a.metrics::tenant.a.metrics"));
        assertFalse(TenantAccess.allows(p, CheckType.SEND, "tenant.a"));
        assertFalse(TenantAccess.allows(p, CheckType.SEND, "tenant.ab.metrics"));
    }

    @Test
    void aConsumerReadsOnlyItsOwnTenantAndNoWildcardAcrossTenants() {
        User c = user("a", User.CONSUMER);
        assertTrue(TenantAccess.allows(c, CheckType.CONSUME, "tenant.a.events::tenant.a.events"));
        assertTrue(TenantAccess.allows(c, CheckType.CREATE_NON_DURABLE_QUEUE, "tenant.a.#"));
        assertFalse(TenantAccess.allows(c, CheckType.CONSUME, "tenant.b.events::tenant.b.events"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_NON_DURABLE_QUEUE, "tenant.*.events"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_NON_DURABLE_QUEUE, "tenant.#"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_NON_DURABLE_QUEUE, "#"));
        assertFalse(TenantAccess.allows(c, CheckType.SEND, "tenant.a.events"));
        assertFalse(TenantAccess.allows(c, CheckType.DELETE_DURABLE_QUEUE, "tenant.a.events"));
    }

    @Test
    void queuesAreNamedInsideTheirOwnTenantSoNoOneTakesAnotherTenantsQueueName() {
        User c = user("a", User.CONSUMER);
        assertTrue(TenantAccess.allows(c, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::tenant.a.events.store"));
        assertTrue(TenantAccess.allows(c, CheckType.CREATE_NON_DURABLE_QUEUE, "tenant.a.events::3f1b8a7e-5c1d-4c1e-9a55-0c2a1f6f4b2e"));
        assertTrue(TenantAccess.allows(c, CheckType.CREATE_NON_DURABLE_QUEUE, "tenant.a.events::tenant.a.device-1.tenant.a.events"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::tenant.c.metrics"), "c's queue name, before c exists");
        assertTrue(TenantAccess.allows(c, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::tenant\\.a\\.events\\.store"), "as the JMS client escapes it");
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::tenant\\.b\\.events"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::device-1.tenant.b.events"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::3f1b8a7e-5c1d-4c1e-9a55-0c2a1f6f4b2e"),
                "a durable queue needs a name inside the tenant");
        // the resource adapter's subscription queue comes without a routing type: Artemis asks CREATE_ADDRESS of an existing address
        assertTrue(TenantAccess.allows(c, CheckType.CREATE_ADDRESS, "tenant.a.alerts::tenant\\.a\\.alerts\\.journal"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_ADDRESS, "tenant.a.alerts::tenant\\.b\\.alerts\\.journal"));
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_ADDRESS, "tenant.a.alerts"), "no address of its own");
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_ADDRESS, "tenant.a.other::tenant.a.other.journal"), "only a fixed destination");
        assertFalse(TenantAccess.allows(c, CheckType.CREATE_ADDRESS, "tenant.b.alerts::tenant.a.alerts.journal"), "only its own tenant's");
        User o = user(null, User.OPERATOR);
        assertTrue(TenantAccess.allows(o, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::noc.events"));
        assertFalse(TenantAccess.allows(o, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::tenant.b.events"));
        assertFalse(TenantAccess.allows(o, CheckType.CREATE_DURABLE_QUEUE, "tenant.a.events::junction.divert.newco.alerts"),
                "Junction's own binding names, a tenant's alert divert's to come among them, are nobody's to take");
    }

    @Test
    void managementNotificationsAndTemporaryQueuesAreTheAdminsAlone() {
        for (User u : new User[] {user("a", User.PRODUCER, User.CONSUMER), user(null, User.OPERATOR), user("a", User.POLLER)}) {
            if (u.roles().contains(User.PRODUCER)) {
                assertFalse(TenantAccess.allows(u, CheckType.MANAGE, "activemq.management"));
                assertFalse(TenantAccess.allows(u, CheckType.CREATE_NON_DURABLE_QUEUE, "3f1b8a7e-5c1d-4c1e-9a55-0c2a1f6f4b2e"));
            }
            assertFalse(TenantAccess.allows(u, CheckType.SEND, "activemq.management"));
            assertFalse(TenantAccess.allows(u, CheckType.CONSUME, "activemq.notifications"));
            assertFalse(TenantAccess.allows(u, CheckType.VIEW, "mops.broker.listQueues"));
            assertFalse(TenantAccess.allows(u, CheckType.EDIT, "mops.junction.directory.users"));
            assertFalse(TenantAccess.allows(u, CheckType.EDIT, "mops.junction.inventory.removeDevice"));
        }
        // the operator reads the inventory (never a secret: siteDevices is the pollers'), a poller its site's devices
        User operator = user(null, User.OPERATOR);
        assertTrue(TenantAccess.allows(operator, CheckType.MANAGE, "activemq.management"));
        assertTrue(TenantAccess.allows(operator, CheckType.EDIT, "mops.junction.inventory.devices"));
        assertFalse(TenantAccess.allows(operator, CheckType.EDIT, "mops.junction.inventory.siteDevices"));
        User poller = user("a", User.POLLER);
        assertTrue(TenantAccess.allows(poller, CheckType.EDIT, "mops.junction.inventory.siteDevices"));
        assertFalse(TenantAccess.allows(poller, CheckType.EDIT, "mops.junction.inventory.devices"));
        assertTrue(TenantAccess.allows(poller, CheckType.SEND, "tenant.a.metrics"));
        assertTrue(TenantAccess.allows(poller, CheckType.SEND, "tenant.a.events"));
        assertFalse(TenantAccess.allows(poller, CheckType.SEND, "tenant.a.alerts"), "a poller publishes results, not alerts");
        assertFalse(TenantAccess.allows(poller, CheckType.CONSUME, "tenant.a.metrics"));
        assertFalse(TenantAccess.allows(poller, CheckType.SEND, "tenant.b.metrics"));
        assertTrue(TenantAccess.allows(user(null, User.ADMIN), CheckType.MANAGE, "activemq.management"));
        User tenantAdmin = user("a", User.ADMIN);
        assertTrue(TenantAccess.allows(tenantAdmin, CheckType.MANAGE, "activemq.management"), "a tenant's admin sends management requests");
        assertTrue(TenantAccess.allows(tenantAdmin, CheckType.EDIT, "mops.junction.directory.addUser"));
        assertFalse(TenantAccess.allows(tenantAdmin, CheckType.EDIT, "mops.junction.directory.createTenant"));
        assertFalse(TenantAccess.allows(tenantAdmin, CheckType.VIEW, "mops.broker.listQueues"));
        assertFalse(TenantAccess.allows(tenantAdmin, CheckType.EDIT, "mops.queue.tenant.b.events.removeAllMessages"));
        assertTrue(TenantAccess.allows(tenantAdmin, CheckType.CREATE_NON_DURABLE_QUEUE, "3f1b8a7e-5c1d-4c1e-9a55-0c2a1f6f4b2e"),
                "its temporary reply queue");
        assertFalse(TenantAccess.allows(tenantAdmin, CheckType.BROWSE, "3f1b8a7e-5c1d-4c1e-9a55-0c2a1f6f4b2e"));
        assertFalse(TenantAccess.allows(tenantAdmin, CheckType.CREATE_DURABLE_QUEUE, "3f1b8a7e-5c1d-4c1e-9a55-0c2a1f6f4b2e"));
        assertTrue(TenantAccess.allows(user("a", User.ADMIN), CheckType.DELETE_DURABLE_QUEUE, "tenant.a.events::old"));
        assertFalse(TenantAccess.allows(user("a", User.ADMIN), CheckType.SEND, "tenant.b.events"));
    }

    @Test
    void theOperatorReadsEveryTenantsFeedsButWritesNothing() {
        User o = user(null, User.OPERATOR);
        assertTrue(TenantAccess.allows(o, CheckType.CONSUME, "tenant.a.metrics::tenant.a.metrics"));
        assertTrue(TenantAccess.allows(o, CheckType.CREATE_NON_DURABLE_QUEUE, "tenant.*.events"));
        assertTrue(TenantAccess.allows(o, CheckType.CONSUME, "tenant.b.alerts"));
        assertFalse(TenantAccess.allows(o, CheckType.SEND, "tenant.a.metrics"));
        assertFalse(TenantAccess.allows(o, CheckType.CONSUME, "tenant.a.dlq"));
        assertFalse(TenantAccess.allows(o, CheckType.CREATE_NON_DURABLE_QUEUE, "tenant.#"));
        assertFalse(TenantAccess.allows(null, CheckType.CONSUME, "tenant.a.metrics"));
    }

    @Test
    void onlyATenantsPollersAnnounceAndTheAnnouncementsAreBrowsedNotTaken() {
        String pollers = "tenant.a.pollers::tenant.a.pollers";
        assertTrue(TenantAccess.allows(user("a", User.POLLER), CheckType.SEND, "tenant.a.pollers"));
        assertFalse(TenantAccess.allows(user("a", User.POLLER), CheckType.BROWSE, pollers));
        assertFalse(TenantAccess.allows(user("b", User.POLLER), CheckType.SEND, "tenant.a.pollers"));
        assertFalse(TenantAccess.allows(user("a", User.PRODUCER), CheckType.SEND, "tenant.a.pollers"), "no one else poses as a poller");
        assertTrue(TenantAccess.allows(user("a", User.CONSUMER), CheckType.BROWSE, pollers));
        assertFalse(TenantAccess.allows(user("a", User.CONSUMER), CheckType.CONSUME, pollers));
        assertFalse(TenantAccess.allows(user("a", User.CONSUMER), CheckType.CREATE_DURABLE_QUEUE, "tenant.a.pollers::mine"));
        assertTrue(TenantAccess.allows(user(null, User.OPERATOR), CheckType.BROWSE, pollers));
        assertFalse(TenantAccess.allows(user(null, User.OPERATOR), CheckType.CONSUME, pollers));
        assertFalse(TenantAccess.allows(user(null, User.OPERATOR), CheckType.BROWSE, "tenant.*.pollers"));
        assertTrue(TenantAccess.allows(user("a", User.ADMIN), CheckType.BROWSE, pollers));
        assertFalse(TenantAccess.allows(user("b", User.ADMIN), CheckType.BROWSE, pollers));
        assertTrue(TenantAccess.allows(user("a", User.ADMIN), CheckType.EDIT, "mops.junction.inventory.sites"));
        assertTrue(TenantAccess.allows(user(null, User.OPERATOR), CheckType.EDIT, "mops.junction.inventory.sites"));
        assertFalse(TenantAccess.allows(user("a", User.POLLER), CheckType.EDIT, "mops.junction.inventory.sites"));
    }
}
