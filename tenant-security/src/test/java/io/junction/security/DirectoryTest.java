package io.junction.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectoryTest {
    private static final TenantLimits LIMITS = TenantLimits.DEFAULTS.with("max-memory=8MiB,max-disk=32MiB,on-full=block,max-connections=3");

    @Test
    void tenantIdsAreShortLowercaseWords() {
        new Tenant("acme-2", null, TenantLimits.DEFAULTS);
        for (String bad : new String[] {"", "Acme", "a.b", "a*", "#", "tenant_1", "x".repeat(33), "a b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tenant(bad, null, TenantLimits.DEFAULTS));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void limitsParseSizesAndRefuseNonsenseNamingTheKey() {
        assertEquals(8L << 20, LIMITS.maxMemory());
        assertEquals(TenantLimits.Full.BLOCK, LIMITS.onFull());
        assertEquals(3, LIMITS.maxConnections());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LIMITS.with("max-disk", "lots")).getMessage().contains("max-disk"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LIMITS.with("max-queues", "0")).getMessage().contains("max-queues"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LIMITS.with("colour", "red")).getMessage().contains("colour"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LIMITS.with("on-full", "wait")).getMessage().contains("wait"));
    }

    @Test
    void encodesAndDecodesEverythingIncludingAwkwardNames() {
        Directory d = Directory.EMPTY
                .withTenant(new Tenant("acme", "Acme = Widgets: #1 ünd Söhne", LIMITS))
                .withTenant(new Tenant("gone", null, TenantLimits.DEFAULTS))
                .withUser(User.create("poller-1", "acme", Set.of("producer"), "pw-123456".toCharArray()))
                .withUser(User.create("ops", null, Set.of("operator"), "pw-123456".toCharArray()))
                .withoutTenant("gone");
        Directory back = Directory.decode(d.encode(), "test");
        assertEquals(d, back);
        assertEquals(Set.of("gone"), back.deleted());
        assertEquals("Acme = Widgets: #1 ünd Söhne", back.tenant("acme").orElseThrow().name());
    }

    @Test
    void aDirectoryWrittenBeforeALimitExistedReadsWithItsDefault() {
        String older = Directory.EMPTY.withTenant(new Tenant("acme", null, LIMITS)).encode().replaceAll("(?m)^tenant\\.acme\\.max-users=.*\n", "");
        assertFalse(older.contains("max-users"), older);
        assertEquals(TenantLimits.DEFAULTS.maxUsers(), Directory.decode(older, "test").tenant("acme").orElseThrow().limits().maxUsers());
    }

    @Test
    void usersNeedAnExistingTenantAndRolesOfTheirKind() {
        assertThrows(IllegalArgumentException.class, () -> Directory.EMPTY.withUser(User.create("p", "nope", Set.of("producer"), "x".toCharArray())));
        assertThrows(IllegalArgumentException.class, () -> User.create("p", "acme", Set.of("operator"), "x".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> User.create("p", null, Set.of("producer"), "x".toCharArray()));
        Directory d = Directory.EMPTY.withTenant(new Tenant("acme", null, LIMITS)).withUser(User.create("p", "acme", Set.of("producer"), "x".toCharArray()));
        Directory without = d.withoutTenant("acme");
        assertFalse(without.user("p").isPresent(), "deleting a tenant deletes its users");
        assertFalse(without.withTenant(new Tenant("acme", null, LIMITS)).deleted().contains("acme"), "created again, no longer deleted");
    }
}
