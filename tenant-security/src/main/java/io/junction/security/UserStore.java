package io.junction.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users a node knows, kept in one owner-only file as {@code name=role,role:HASH}. Writes replace the file
 * atomically, so a crash leaves either the old or the new set of users, never half of one.
 */
public final class UserStore {
    private final Path file;
    private final Map<String, User> users = new ConcurrentHashMap<>();

    /** A user's roles and password hash. */
    public record User(String name, Set<String> roles, String passwordHash) {
    }

    private UserStore(Path file) {
        this.file = file;
    }

    /** Opens the store at {@code file}, reading it if it exists. */
    public static UserStore open(Path file) {
        UserStore store = new UserStore(file);
        if (Files.exists(file)) {
            Properties props = new Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read user store " + file, e);
            }
            for (String name : props.stringPropertyNames()) {
                String entry = props.getProperty(name);
                int colon = entry.indexOf(':');
                if (colon < 0) {
                    throw new IllegalStateException("User store " + file + " has a malformed entry for user " + name);
                }
                Set<String> roles = new LinkedHashSet<>(Arrays.asList(entry.substring(0, colon).split(",")));
                roles.removeIf(String::isBlank);
                store.users.put(name, new User(name, Set.copyOf(roles), entry.substring(colon + 1)));
            }
        }
        return store;
    }

    public boolean isEmpty() {
        return users.isEmpty();
    }

    public Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Adds or replaces a user and persists the store. */
    public synchronized void put(String name, Set<String> roles, char[] password) {
        users.put(name, new User(name, Set.copyOf(roles), PasswordHash.hash(password)));
        save();
    }

    /** The user's roles when the password matches; empty for an unknown user or a wrong password. */
    public Optional<Set<String>> authenticate(String name, String password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        User user = users.get(name);
        if (user == null || !PasswordHash.verify(password.toCharArray(), user.passwordHash())) {
            return Optional.empty();
        }
        return Optional.of(user.roles());
    }

    private void save() {
        Map<String, String> sorted = new TreeMap<>();
        users.values().forEach(u -> sorted.put(u.name(), String.join(",", u.roles()) + ":" + u.passwordHash()));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                out.write("# Junction users: name=roles:password-hash. Edit with the junction CLI, not by hand.\n");
                for (Map.Entry<String, String> e : sorted.entrySet()) {
                    out.write(e.getKey() + "=" + e.getValue() + "\n");
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write user store " + file, e);
        }
    }
}
