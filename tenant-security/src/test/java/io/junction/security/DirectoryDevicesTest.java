package io.junction.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.inventory.DeviceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Devices in the directory: one address per site of a tenant, within the tenant's max-devices, stored and read back. */
class DirectoryDevicesTest {
    private static final Directory TWO_TENANTS = Directory.EMPTY
            .withTenant(new Tenant("acme", "Acme", TenantLimits.DEFAULTS.with("max-devices=3")))
            .withTenant(new Tenant("beta", "Beta", TenantLimits.DEFAULTS));

    private static DeviceSpec device(String tenant, String name, String site, String address) {
        return new DeviceSpec(tenant, Map.of("name", name, "site", site, "address", address, "community", "c-" + tenant));
    }

    @Test
    void theSameAddressIsTwoDevicesInTwoTenantsOrTwoSitesButNotInOneSite() {
        Directory d = TWO_TENANTS.withDevices(List.of(device("acme", "a1", "hq", "10.0.0.1"), device("acme", "a2", "branch", "10.0.0.1"),
                device("beta", "b1", "hq", "10.0.0.1")));
        assertEquals(2, d.devicesOf("acme").size());
        assertEquals(1, d.devicesOf("beta").size());
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> d.withDevices(List.of(device("acme", "a3", "hq", "10.0.0.1"))));
        assertTrue(clash.getMessage().contains("of device a1"), clash.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withDevices(List.of(device("gamma", "g1", "hq", "10.0.0.1"))), "no such tenant");
    }

    @Test
    void aTenantHoldsAtMostItsMaxDevicesAndTakesThemWithItWhenDeleted() {
        Directory full = TWO_TENANTS.withDevices(List.of(device("acme", "a1", "hq", "10.0.0.1"), device("acme", "a2", "hq", "10.0.0.2"),
                device("acme", "a3", "hq", "10.0.0.3")));
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class, () -> full.withDevices(List.of(device("acme", "a4", "hq", "10.0.0.4"))));
        assertTrue(over.getMessage().contains("max-devices is 3"), over.getMessage());
        assertEquals(3, full.withDevices(List.of(device("acme", "a3", "hq", "10.0.0.9"))).devicesOf("acme").size(), "replacing one is no new device");
        assertEquals(List.of(), full.withoutTenant("acme").devicesOf("acme"));
    }

    @Test
    void devicesAreStoredAndReadBackWithTheirSecrets() {
        DeviceSpec v3 = new DeviceSpec("acme", Map.of("name", "edge.1", "site", "hq", "address", "10.0.0.2", "version", "3", "user", "poller",
                "auth", "SHA-512", "auth-password", "auth = secret #1", "priv", "AES-256", "priv-password", "priv:secret!"));
        Directory d = TWO_TENANTS.withDevices(List.of(device("acme", "a1", "hq", "10.0.0.1"), v3));
        Directory back = Directory.decode(d.encode(), "test");
        assertEquals(d.devices(), back.devices());
        assertEquals("auth = secret #1", back.device("acme", "edge.1").orElseThrow().get("auth-password"));
        assertEquals(1000, Directory.decode(TWO_TENANTS.encode().replaceAll("(?m)^tenant\\.beta\\.max-devices=.*\\n", ""), "old").tenant("beta")
                .orElseThrow().limits().maxDevices(), "a directory written before max-devices reads with the default");
    }
}
