package io.junction.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantAddressesTest {
    @Test
    void aTenantsDestinationsAreNamedUnderItsId() {
        assertEquals("tenant.acme.metrics", TenantAddresses.metrics("acme"));
        assertEquals("tenant.acme.events", TenantAddresses.events("acme"));
        assertEquals("tenant.acme.alerts", TenantAddresses.alerts("acme"));
        assertEquals(List.of("tenant.acme.metrics", "tenant.acme.events", "tenant.acme.alerts", "tenant.acme.dlq", "tenant.acme.expiry",
                "tenant.acme.pollers"),
                TenantAddresses.all("acme"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TenantAddresses.events("Acme.x"));
        assertTrue(bad.getMessage().contains("'Acme.x'"), bad.getMessage());
    }

    @Test
    void anAddressNamesItsOwnerAndWhatFollows() {
        assertEquals(Optional.of("acme"), TenantAddresses.owner("tenant.acme.events.sub"));
        assertEquals(Optional.of("*"), TenantAddresses.owner("tenant.*"));
        assertEquals(Optional.empty(), TenantAddresses.owner("tenants.acme.events"));
        assertEquals("events.sub", TenantAddresses.local("tenant.acme.events.sub"));
        assertEquals("", TenantAddresses.local("tenant.acme"));
    }
}
