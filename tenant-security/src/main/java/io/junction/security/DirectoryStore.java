package io.junction.security;

import io.junction.config.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The tenants and users a node knows. A single node keeps them in one owner-only file that every change replaces
 * atomically, so a crash leaves either the old or the new directory, never half of one. A cluster node backs the
 * store with the cluster's registry ({@link #backWith}); the file is then its local copy.
 */
public final class DirectoryStore {
    private static final String UNKNOWN_USER_HASH = PasswordHash.hash("no such user".toCharArray());

    private final Path file;
    private final List<Consumer<Directory>> listeners = new CopyOnWriteArrayList<>();
    private volatile Directory directory;
    private volatile Backing backing;
    /**
     * Passwords already checked against a user's current hash (user and hash to a SHA-256 of the password), so that
     * the slow salted hash is paid once per user and password (kept as an HMAC under a per-process random key). Artemis's own login cache is off: it would let a
     * removed user or an old password in for up to its invalidation interval. A changed password or a removed user
     * no longer matches any entry.
     */
    private final Map<String, byte[]> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private final byte[] cacheKey = randomKey();

    /** Where changes go: they must be applied atomically, all or nothing, and return the directory as now stored. */
    @FunctionalInterface
    public interface Backing {
        Directory update(UnaryOperator<Directory> change);
    }

    private DirectoryStore(Path file, Directory directory) {
        this.file = file;
        this.directory = directory;
        this.backing = change -> {
            synchronized (this) {
                Directory next = change.apply(this.directory);
                replace(next);
                return next;
            }
        };
    }

    /** Opens the store at {@code file}, reading it if it exists. */
    public static DirectoryStore open(Path file) {
        Directory directory = Directory.EMPTY;
        if (Files.exists(file)) {
            try {
                directory = Directory.decode(Files.readString(file, StandardCharsets.UTF_8), "directory " + file);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read directory " + file, e);
            }
        }
        return new DirectoryStore(file, directory);
    }

    /** From now on changes go to {@code registry}; what it holds reaches this store through {@link #replace}. */
    public void backWith(Backing registry) {
        this.backing = registry;
    }

    /** Called with the new directory after every change that reaches this store, wherever it was made. */
    public void onChange(Consumer<Directory> listener) {
        listeners.add(listener);
    }

    public boolean isEmpty() {
        return directory.users().isEmpty();
    }

    public Optional<User> find(String name) {
        return directory.user(name);
    }

    /** The directory as this store now holds it. */
    public Directory snapshot() {
        return directory;
    }

    public Set<String> names() {
        return new java.util.TreeSet<>(directory.users().keySet());
    }

    /** Applies {@code change} atomically (across the cluster when backed by its registry) and returns the result. */
    public Directory update(UnaryOperator<Directory> change) {
        return backing.update(change);
    }

    /** Adds or replaces a service-wide user (no tenant). */
    public void put(String name, Set<String> roles, char[] password) {
        User user = User.create(name, null, roles, password);
        update(current -> current.withUser(user));
    }

    /**
     * Adds the user only if the store holds no users at all, atomically even across a cluster: of several nodes
     * starting together exactly one creates the first administrator. Returns whether this call added it.
     */
    public boolean putFirst(String name, Set<String> roles, char[] password) {
        User user = User.create(name, null, roles, password);
        AtomicBoolean added = new AtomicBoolean();
        update(current -> {
            // a retry after a write that did land finds this very user: its salted hash is unique
            added.set(current.users().isEmpty() || user.equals(current.users().get(name)));
            return current.users().isEmpty() ? current.withUser(user) : current;
        });
        return added.get();
    }

    /** The user when the password matches; empty for an unknown user or a wrong password. */
    public Optional<User> authenticate(String name, String password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        User user = directory.users().get(name);
        byte[] digest = user == null ? null : digest(password);
        byte[] known = user == null ? null : verified.get(user.name() + "\n" + user.passwordHash());
        if (known != null && java.security.MessageDigest.isEqual(known, digest)) {
            return Optional.of(user);
        }
        // an unknown user costs as much as a known one, so timing does not reveal which names exist
        String hash = user != null ? user.passwordHash() : UNKNOWN_USER_HASH;
        if (!PasswordHash.verify(password.toCharArray(), hash) || user == null) {
            return Optional.empty();
        }
        if (verified.size() > 10_000) {
            verified.clear();
        }
        verified.put(user.name() + "\n" + user.passwordHash(), digest);
        return Optional.of(user);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /** An HMAC of the password under a key made at random for this process, so the cache holds nothing reusable. */
    private byte[] digest(String password) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(cacheKey, "HmacSHA256"));
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes {@code next} as the whole directory, as the backing store now holds it, and saves the local copy. */
    public void replace(Directory next) {
        synchronized (this) {
            if (next.equals(directory) && Files.exists(file)) {
                return;
            }
            try {
                SecretFiles.write(file, next.encode());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write directory " + file + ": " + e.getMessage(), e);
            }
            directory = next;
        }
        listeners.forEach(l -> l.accept(next));
    }
}
