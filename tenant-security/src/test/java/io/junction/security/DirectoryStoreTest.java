package io.junction.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest {
    @TempDir
    Path dir;

    @Test
    void storesOnlySaltedHashesInAnOwnerOnlyFile() throws Exception {
        Path file = dir.resolve("security/directory.properties");
        DirectoryStore store = DirectoryStore.open(file);
        store.put("admin", Set.of("admin"), "s3cret-Pass".toCharArray());
        store.put("other", Set.of("admin"), "s3cret-Pass".toCharArray());

        String text = Files.readString(file);
        assertFalse(text.contains("s3cret-Pass"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertNotEquals(store.find("admin").orElseThrow().passwordHash(), store.find("other").orElseThrow().passwordHash(),
                "same password, different salt");
    }

    @Test
    void authenticatesAfterReopeningAndRefusesWrongOrMissingCredentials() {
        Path file = dir.resolve("users.properties");
        DirectoryStore.open(file).put("ops", Set.of("admin", "operator"), "pw-1".toCharArray());

        DirectoryStore reopened = DirectoryStore.open(file);
        assertEquals(Optional.of(Set.of("admin", "operator")), reopened.authenticate("ops", "pw-1").map(User::roles));
        assertTrue(reopened.authenticate("ops", "pw-2").isEmpty());
        assertTrue(reopened.authenticate("nobody", "pw-1").isEmpty());
        assertTrue(reopened.authenticate(null, null).isEmpty());
        assertTrue(reopened.authenticate("ops", null).isEmpty());
    }

    @Test
    void malformedHashesNeverMatch() {
        assertFalse(PasswordHash.verify("x".toCharArray(), "plain"));
        assertFalse(PasswordHash.verify("x".toCharArray(), "pbkdf2-sha256$1$!!$!!"));
        assertTrue(PasswordHash.verify("x".toCharArray(), PasswordHash.hash("x".toCharArray())));
        assertEquals(20, PasswordHash.randomPassword(20).length());
    }
}
