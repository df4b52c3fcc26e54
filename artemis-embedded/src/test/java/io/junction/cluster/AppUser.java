package io.junction.cluster;

import io.junction.security.DirectoryStore;
import java.nio.file.Path;
import java.util.Set;

/** The one application user the cluster tests connect as, with every permission. */
final class AppUser {
    static final String NAME = "app";
    static final String PASSWORD = "app-password";

    private AppUser() {
    }

    /** A user store at {@code file} that holds the application user. */
    static DirectoryStore store(Path file) {
        DirectoryStore users = DirectoryStore.open(file);
        users.put(NAME, Set.of("admin"), PASSWORD.toCharArray());
        return users;
    }
}
