package io.junction.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The users a node knows, kept in one owner-only file as {@code name=role,role:HASH}. Writes replace the file
 * atomically, so a crash leaves either the old or the new set of users, never half of one.
 */
public final class UserStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final String UNKNOWN_USER_HASH = PasswordHash.hash("no such user".toCharArray());

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

    /** Adds or replaces a user and persists the store. Names and roles are letters, digits, '.', '_', '@' and '-'. */
    public synchronized void put(String name, Set<String> roles, char[] password) {
        if (!NAME.matcher(name).matches() || !roles.stream().allMatch(r -> NAME.matcher(r).matches())) {
            throw new IllegalArgumentException("Invalid user name or role in " + name + " " + roles
                    + ": use letters, digits, '.', '_', '@' and '-'");
        }
        users.put(name, new User(name, Set.copyOf(roles), PasswordHash.hash(password)));
        save();
    }

    /** The user's roles when the password matches; empty for an unknown user or a wrong password. */
    public Optional<Set<String>> authenticate(String name, String password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        User user = users.get(name);
        // an unknown user costs as much as a known one, so timing does not reveal which names exist
        String hash = user != null ? user.passwordHash() : UNKNOWN_USER_HASH;
        if (!PasswordHash.verify(password.toCharArray(), hash) || user == null) {
            return Optional.empty();
        }
        return Optional.of(user.roles());
    }

    private void save() {
        StringBuilder text = new StringBuilder("# Junction users: name=roles:password-hash. Edit with the junction CLI, not by hand.\n");
        new TreeMap<>(users).forEach((name, u) -> text.append(name).append('=').append(String.join(",", u.roles()))
                .append(':').append(u.passwordHash()).append('\n'));
        try {
            SecretFiles.write(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write user store " + file + ": " + e.getMessage(), e);
        }
    }
}
