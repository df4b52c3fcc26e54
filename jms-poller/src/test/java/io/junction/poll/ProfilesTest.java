package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.config.ConfigException;
import io.junction.poll.profile.Profile;
import io.junction.poll.profile.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiles in etc/profiles load; a bad profile is refused whole with its file and key named. */
class ProfilesTest {
    @Test
    void theShippedProfilesLoad() {
        Map<String, Profile> all = Profiles.load(Path.of("..", "etc", "profiles"));
        assertTrue(all.keySet().containsAll(java.util.Set.of("system", "interfaces", "host")), all.keySet().toString());
        Profile.Table ifTable = all.get("interfaces").tables().get(0);
        assertEquals("ifName", ifTable.label());
        assertEquals("ifHCInOctets", ifTable.fallbacks().get("ifInOctets"));
        assertEquals(4, all.get("system").scalars().size());
    }

    private static ConfigException refused(Path dir, String text) throws Exception {
        Path file = dir.resolve("custom.properties");
        Files.writeString(file, text);
        return assertThrows(ConfigException.class, () -> Profiles.read(file));
    }

    @Test
    void aBadProfileNamesItsFileAndKey(@TempDir Path dir) throws Exception {
        ConfigException badOid = refused(dir, "scalar.temp = 1.3.6.x\n");
        assertEquals("scalar.temp", badOid.key());
        assertTrue(badOid.getMessage().contains("custom.properties") && badOid.getMessage().contains("1.3.6.x"), badOid.getMessage());
        assertEquals("scalr.temp", refused(dir, "scalr.temp = 1.3.6.1\n").key());
        assertEquals("table.t.label", refused(dir, "table.t.column.a = 1.3.6.1.2\ntable.t.label = b\n").key());
        ConfigException twice = refused(dir, "table.t.column.a = 1.3.6.1.2\nscalar.a = 1.3.6.1.3.0\n");
        assertEquals("table.t.column.a", twice.key(), "keys are read in order: scalar.a first, so the column is the second use of a");
        assertTrue(twice.getMessage().contains("used twice"), twice.getMessage());
        assertEquals("table.t.fallback.a", refused(dir, "table.t.column.a = 1.3.6.1.2\ntable.t.fallback.a = z\n").key());
        ConfigException empty = refused(dir, "description = nothing\n");
        assertTrue(empty.getMessage().contains("polls nothing"), empty.getMessage());
    }

    @Test
    void aCustomProfileOfScalarsAndATable(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ups.properties"), "description = a UPS\nscalar.upsBatteryCharge = 1.3.6.1.2.1.33.1.2.4.0\n"
                + "table.input.column.upsInputVoltage = 1.3.6.1.2.1.33.1.3.3.1.3\n");
        Profile ups = Profiles.load(dir).get("ups");
        assertEquals("upsBatteryCharge", ups.scalars().get(0).name());
        assertEquals("1.3.6.1.2.1.33.1.3.3.1.3", ups.tables().get(0).columns().get(0).oid());
    }
}
