package io.junction.node;

import io.junction.client.Credentials;
import io.junction.security.DirectoryStore;
import io.junction.security.PasswordHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;

/**
 * The node's first administrator. On the first start (an empty user store) a random password is created, stored
 * hashed in the user store, and written in clear only to {@code admin.credentials} ({@link Credentials}), readable by
 * the owner alone, which the CLI reads by default on this machine.
 */
public final class AdminCredentials {
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_ROLE = "admin";

    private AdminCredentials() {
    }

    /**
     * Creates the admin user if the store has no users; returns the new credentials only when it did. In a cluster
     * several nodes may try at once: the store lets exactly one succeed, and the others remove their copy.
     */
    public static Optional<Credentials> bootstrap(DirectoryStore users, Path dataDir, String url) {
        if (!users.isEmpty()) {
            return Optional.empty();
        }
        String password = PasswordHash.randomPassword(20);
        Credentials created = new Credentials(url, ADMIN_USER, password);
        Path file = dataDir.resolve(Credentials.FILE_NAME);
        Path pending = dataDir.resolve(Credentials.FILE_NAME + ".new");
        // the clear-text copy first: if the store were written first and this failed, no one could ever log in
        created.write(pending);
        boolean added = false;
        try {
            added = users.putFirst(ADMIN_USER, Set.of(ADMIN_ROLE), password.toCharArray());
            if (added) {
                Files.move(pending, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move " + pending + " to " + file + ": " + e.getMessage()
                    + "; the admin password is in " + pending, e);
        } finally {
            if (!added) {
                deleteQuietly(pending);
            }
        }
        return added ? Optional.of(created) : Optional.empty();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the password in it was never stored, so it opens nothing
        }
    }

    /** Keeps the URL in the credentials file in step with the node's configured main acceptor. */
    public static void refreshUrl(Path dataDir, String url) {
        Path file = dataDir.resolve(Credentials.FILE_NAME);
        if (Files.exists(file)) {
            Credentials old = Credentials.read(file);
            if (!old.url().equals(url)) {
                old.at(url).write(file);
            }
        }
    }
}
