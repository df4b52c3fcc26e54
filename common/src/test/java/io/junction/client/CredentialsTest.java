package io.junction.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a login comes from: what was given, else the environment, else the file; always as a pair from one place. */
class CredentialsTest {
    private static final Credentials FILE = new Credentials("tcp://file:1", "file-user", "file-pw");

    private static Optional<Credentials> resolve(String user, String password, Map<String, String> env) {
        return Credentials.resolve("tcp://here:2", user, password, env, () -> Optional.of(FILE));
    }

    @Test
    void givenBeforeEnvironmentBeforeFile() {
        Map<String, String> env = Map.of("JUNCTION_USER", "env-user", "JUNCTION_PASSWORD", "env-pw");
        assertEquals(new Credentials("tcp://here:2", "u", "p"), resolve("u", "p", env).orElseThrow());
        assertEquals(new Credentials("tcp://here:2", "u", "env-pw"), resolve("u", null, env).orElseThrow(), "a given user may take the password from the environment");
        assertEquals(new Credentials("tcp://here:2", "env-user", "env-pw"), resolve(null, null, env).orElseThrow());
        assertEquals(new Credentials("tcp://here:2", "file-user", "file-pw"), resolve(null, null, Map.of()).orElseThrow(), "the file's user at the URL asked for");
        assertEquals(Optional.empty(), Credentials.resolve("tcp://here:2", null, null, Map.of(), Optional::empty));
    }

    @Test
    void halfAPairIsRefused() {
        assertThrows(ConfigException.class, () -> resolve("u", null, Map.of()));
        assertThrows(ConfigException.class, () -> resolve(null, "p", Map.of()));
        assertThrows(ConfigException.class, () -> resolve(null, null, Map.of("JUNCTION_USER", "env-user")));
    }

    @Test
    void theFileIsWrittenForItsOwnerAloneAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(Credentials.FILE_NAME);
        FILE.write(file);
        assertEquals(FILE, Credentials.read(file));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(!FILE.toString().contains("file-pw"), "never the password in logs");
        Files.writeString(file, "user=only\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Credentials.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void anUnreadableUrlIsNamedWithoutItsPassword() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new Credentials("nope://a:1?trustStorePassword=hush", "u", "p").factory().close());
        assertTrue(e.getMessage().startsWith("Invalid bus URL nope://a:1?trustStorePassword=***: "), e.getMessage());
        assertTrue(!e.getMessage().contains("hush"), e.getMessage());
    }
}
