package io.junction.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {
    private static DeviceSpec v2c(String name, String address) {
        return new DeviceSpec("acme", Map.of("name", name, "site", "hq", "address", address, "community", "s3cret,\"x\""));
    }

    @Test
    void defaultsFillWhatIsNotGivenAndSecretsNeverShow() {
        DeviceSpec d = v2c("core-1", "10.0.0.1");
        assertEquals("161", d.get("port"));
        assertEquals("2c", d.get("version"));
        assertEquals("10", d.get("max-repetitions"));
        assertEquals("1", d.get("in-flight"));
        assertEquals("system;interfaces", d.get("profiles"));
        assertEquals("acme/hq/10.0.0.1:161", d.identity());
        assertEquals(DeviceSpec.HIDDEN, d.fields(false).get("community"));
        assertFalse(d.toString().contains("s3cret"));
        assertEquals(Map.of("name", "core-1", "site", "hq", "address", "10.0.0.1", "community", "s3cret,\"x\""), DeviceSpec.defaultsOmitted(d));
    }

    @Test
    void aBadFieldIsNamedWithItsDeviceAndNeverASecret() {
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> new DeviceSpec("acme", Map.of("name", "core-1", "site", "hq", "address", "10.0.0.1", "community", "c", "port", "70000")));
        assertTrue(port.getMessage().startsWith("Invalid port '70000' for device 'core-1'"), port.getMessage());
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class, () -> new DeviceSpec("acme", Map.of("name", "e", "site", "hq",
                "address", "10.0.0.2", "version", "3", "user", "u", "auth", "sha-256", "auth-password", "short")));
        assertTrue(shortKey.getMessage().contains("auth-password '***'") && !shortKey.getMessage().contains("short"), shortKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeviceSpec("acme", Map.of("name", "e", "site", "hq", "address", "10.0.0.2",
                "version", "3", "user", "u", "priv", "AES", "priv-password", "long-enough")), "privacy without authentication");
        assertThrows(IllegalArgumentException.class, () -> new DeviceSpec("acme", Map.of("name", "e", "site", "hq", "address", "10.0.0.2")),
                "SNMPv2c without a community");
        assertThrows(IllegalArgumentException.class, () -> new DeviceSpec("acme", Map.of("name", "e", "site", "HQ", "address", "10.0.0.2", "community", "c")));
        assertThrows(IllegalArgumentException.class, () -> new DeviceSpec("acme", Map.of("name", "e", "site", "hq", "address", "10.0.0.2",
                "community", "c", "colour", "red")));
    }

    @Test
    void v3NamesAreCanonicalAndAChangeKeepsHiddenSecrets() {
        DeviceSpec d = new DeviceSpec("acme", Map.of("name", "edge-1", "site", "hq", "address", "10.0.0.2", "version", "v3", "user", "poller",
                "auth", "sha256", "auth-password", "auth-secret", "priv", "aes", "priv-password", "priv-secret"));
        assertEquals("3", d.get("version"));
        assertEquals("SHA-256", d.get("auth"));
        assertEquals("AES", d.get("priv"));
        assertEquals("", d.get("engine-id"), "learnt unless configured");
        DeviceSpec pinned = d.with(Map.of("engine-id", "0x80:00:1F:88:80:AA:BB:CC:DD:01"));
        assertEquals("80001f8880aabbccdd01", pinned.get("engine-id"));
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> d.with(Map.of("engine-id", "0x8000")));
        assertTrue(odd.getMessage().startsWith("Invalid engine-id '0x8000' for device 'edge-1'"), odd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeviceSpec("acme", Map.of("name", "e", "site", "hq", "address", "10.0.0.2",
                "community", "c", "engine-id", "80001f8880aabbccdd01")), "an engine id is SNMPv3's");
        DeviceSpec changed = d.with(Map.of("auth-password", DeviceSpec.HIDDEN, "interval", "5m"));
        assertEquals("auth-secret", changed.get("auth-password"));
        assertEquals("5m", changed.get("interval"));
    }

    @Test
    void csvRoundTripsQuotedFieldsAndNamesTheLineOfABadRow() {
        List<DeviceSpec> devices = List.of(v2c("core-1", "10.0.0.1"), v2c("core-2", "10.0.0.2"));
        String csv = DeviceCsv.write(devices, true);
        assertEquals(devices, DeviceCsv.read("acme", csv));
        assertFalse(DeviceCsv.write(devices, false).contains("s3cret"));
        String bad = "# inventory of acme\nname,site,address,community\ncore-1,hq,10.0.0.1,\"pub,lic\"\n\ncore-2,hq,10.0.0.2,public\ncore-3,hq,10.0.0.3,\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceCsv.read("acme", bad));
        assertTrue(e.getMessage().startsWith("line 6: Invalid community"), e.getMessage());
        assertEquals("pub,lic", DeviceCsv.read("acme", bad.replace("core-3,hq,10.0.0.3,\n", "")).get(0).get("community"));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> DeviceCsv.read("acme", "name,site,address,community\na,hq,10.0.0.1,c\nb,hq,10.0.0.1,c\n"));
        assertTrue(twice.getMessage().startsWith("line 3:") && twice.getMessage().contains("also on line 2"), twice.getMessage());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class, () -> DeviceCsv.read("acme", "name,site,adress\n"));
        assertTrue(column.getMessage().contains("unknown column 'adress'"), column.getMessage());
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class, () -> DeviceCsv.read("acme", "name,site,address,community\na,hq,\"10.0.0.1,c\n"));
        assertTrue(open.getMessage().startsWith("line 2: a quoted field is not closed"), open.getMessage());
    }
}
