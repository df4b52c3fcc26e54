package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.config.ConfigException;
import io.junction.poll.trap.TrapRules;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of etc/traps load; the most precise rule wins; a bad rule is refused whole with its file and key named. */
class TrapRulesTest {
    @Test
    void theShippedRulesLoadAndTheMostPreciseRuleWins() {
        TrapRules rules = TrapRules.load(Path.of("..", "etc", "traps"));
        assertEquals(new TrapRules.Match("linkDown", "minor"), rules.match("1.3.6.1.6.3.1.1.5.3"));
        // an exact OID before the prefix rule that covers it
        assertEquals(new TrapRules.Match("netSnmpShutdown", "major"), rules.match("1.3.6.1.4.1.8072.4.0.2"));
        assertEquals(new TrapRules.Match("netSnmpNotifications", "warning"), rules.match("1.3.6.1.4.1.8072.4.0.3"));
        // a prefix covers what lies under it, not the prefix's own OID nor a sibling that starts with the same digits
        assertEquals(new TrapRules.Match("", "indeterminate"), rules.match("1.3.6.1.4.1.8072.4.0"));
        assertEquals(new TrapRules.Match("", "indeterminate"), rules.match("1.3.6.1.4.1.8072.4.01"));
    }

    @Test
    void aLongerPrefixBeatsAShorterOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vendor.properties"), """
                trap.vendor.oid = 1.3.6.1.4.1.9.*
                trap.vendor.severity = warning
                trap.vendorBgp.oid = 1.3.6.1.4.1.9.9.187.*
                trap.vendorBgp.severity = major
                default.severity = minor
                """);
        TrapRules rules = TrapRules.load(dir);
        assertEquals("vendorBgp", rules.match("1.3.6.1.4.1.9.9.187.0.1").name());
        assertEquals("vendor", rules.match("1.3.6.1.4.1.9.9.41.2.0.1").name());
        assertEquals(new TrapRules.Match("", "minor"), rules.match("1.3.6.1.4.1.2636.4.1.1"));
    }

    private static ConfigException refused(Path dir, String text) throws Exception {
        Files.writeString(dir.resolve("bad.properties"), text);
        return assertThrows(ConfigException.class, () -> TrapRules.load(dir));
    }

    @Test
    void aBadRuleNamesItsFileAndKey(@TempDir Path dir) throws Exception {
        ConfigException severity = refused(dir, "trap.x.oid = 1.3.6.1.4.1.1.0.1\ntrap.x.severity = hot\n");
        assertEquals("trap.x.severity", severity.key());
        assertTrue(severity.getMessage().contains("bad.properties") && severity.getMessage().contains("hot"), severity.getMessage());
        assertEquals("trap.x.oid", refused(dir, "trap.x.oid = 1.3.6.x\ntrap.x.severity = minor\n").key());
        assertEquals("trap.x.severity", refused(dir, "trap.x.oid = 1.3.6.1\n").key());
        assertEquals("trap.x.sevrity", refused(dir, "trap.x.oid = 1.3.6.1\ntrap.x.sevrity = minor\n").key());
        ConfigException twice = refused(dir, "trap.x.oid = 1.3.6.1\ntrap.x.severity = minor\ntrap.y.oid = 1.3.6.1\ntrap.y.severity = major\n");
        assertTrue(twice.getMessage().contains("has this OID already"), twice.getMessage());
        ConfigException missing = assertThrows(ConfigException.class, () -> TrapRules.load(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}
