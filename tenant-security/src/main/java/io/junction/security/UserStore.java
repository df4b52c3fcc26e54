package io.junction.security;

import java.io.IOException;
import java.io.StringReader;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The users a node knows, as {@code name=role,role:HASH} lines. A single node keeps them in one owner-only file that
 * every change replaces atomically, so a crash leaves either the old or the new set of users, never half of one. A
 * cluster node backs the store with the cluster's registry ({@link #backWith}); the file is then its local copy.
 */
public final class UserStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final String UNKNOWN_USER_HASH = PasswordHash.hash("no such user".toCharArray());

    private final Path file;
    private volatile Map<String, User> users;
    private volatile Backing backing;

    /** A user's roles and password hash. */
    public record User(String name, Set<String> roles, String passwordHash) {
    }

    /** Where changes go: they must be applied atomically, all or nothing, and return the users as now stored. */
    @FunctionalInterface
    public interface Backing {
        Map<String, User> update(UnaryOperator<Map<String, User>> change);
    }

    private UserStore(Path file, Map<String, User> users) {
        this.file = file;
        this.users = users;
        this.backing = change -> {
            synchronized (this) {
                Map<String, User> next = Map.copyOf(change.apply(this.users));
                replace(next);
                return next;
            }
        };
    }

    /** Opens the store at {@code file}, reading it if it exists. */
    public static UserStore open(Path file) {
        Map<String, User> users = Map.of();
        if (Files.exists(file)) {
            try {
                users = decode(Files.readString(file, StandardCharsets.UTF_8), "user store " + file);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read user store " + file, e);
            }
        }
        return new UserStore(file, users);
    }

    /** From now on changes go to {@code registry}; what it holds reaches this store through {@link #replace}. */
    public void backWith(Backing registry) {
        this.backing = registry;
    }

    public boolean isEmpty() {
        return users.isEmpty();
    }

    public Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Every user as this store now holds them. */
    public Map<String, User> snapshot() {
        return users;
    }

    public Set<String> names() {
        return new TreeMap<>(users).keySet();
    }

    /** Adds or replaces a user. Names and roles are letters, digits, '.', '_', '@' and '-'. */
    public void put(String name, Set<String> roles, char[] password) {
        User user = newUser(name, roles, password);
        backing.update(current -> with(current, user));
    }

    /**
     * Adds the user only if the store holds no users at all, atomically even across a cluster: of several nodes
     * starting together exactly one creates the first administrator. Returns whether this call added it.
     */
    public boolean putFirst(String name, Set<String> roles, char[] password) {
        User user = newUser(name, roles, password);
        AtomicBoolean added = new AtomicBoolean();
        backing.update(current -> {
            // a retry after a write that did land finds this very user: its salted hash is unique
            added.set(current.isEmpty() || user.equals(current.get(name)));
            return current.isEmpty() ? with(current, user) : current;
        });
        return added.get();
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

    /** Takes {@code next} as the whole set of users, as the backing store now holds it, and saves the local copy. */
    public synchronized void replace(Map<String, User> next) {
        if (next.equals(users) && Files.exists(file)) {
            return;
        }
        try {
            SecretFiles.write(file, encode(next));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write user store " + file + ": " + e.getMessage(), e);
        }
        users = Map.copyOf(next);
    }

    /** The stored form: a comment line, then {@code name=role,role:hash} lines in name order. */
    public static String encode(Map<String, User> users) {
        StringBuilder text = new StringBuilder("# Junction users: name=roles:password-hash. Edit with the junction CLI, not by hand.\n");
        new TreeMap<>(users).forEach((name, u) -> text.append(name).append('=').append(String.join(",", u.roles().stream().sorted().toList()))
                .append(':').append(u.passwordHash()).append('\n'));
        return text.toString();
    }

    /** Parses {@link #encode}'s form; {@code source} names where it came from in errors. */
    public static Map<String, User> decode(String text, String source) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source, e);
        }
        Map<String, User> users = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            String entry = props.getProperty(name);
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalStateException(source + " has a malformed entry for user " + name);
            }
            Set<String> roles = new LinkedHashSet<>(Arrays.asList(entry.substring(0, colon).split(",")));
            roles.removeIf(String::isBlank);
            users.put(name, new User(name, Set.copyOf(roles), entry.substring(colon + 1)));
        }
        return Map.copyOf(users);
    }

    private static User newUser(String name, Set<String> roles, char[] password) {
        if (!NAME.matcher(name).matches() || !roles.stream().allMatch(r -> NAME.matcher(r).matches())) {
            throw new IllegalArgumentException("Invalid user name or role in " + name + " " + roles
                    + ": use letters, digits, '.', '_', '@' and '-'");
        }
        return new User(name, Set.copyOf(roles), PasswordHash.hash(password));
    }

    private static Map<String, User> with(Map<String, User> current, User user) {
        Map<String, User> next = new TreeMap<>(current);
        next.put(user.name(), user);
        return next;
    }
}
