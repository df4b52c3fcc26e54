package io.junction.cluster;

import io.junction.security.UserStore;
import java.nio.file.Path;
import java.util.Set;

/** The one application user the cluster tests connect as, with every permission. */
final class AppUser {
    static final String NAME = "app";
    static final String PASSWORD = "app-password";

    private AppUser() {
    }

    /** A user store at {@code file} that holds the application user. */
    static UserStore store(Path file) {
        UserStore users = UserStore.open(file);
        users.put(NAME, Set.of("admin"), PASSWORD.toCharArray());
        return users;
    }
}
