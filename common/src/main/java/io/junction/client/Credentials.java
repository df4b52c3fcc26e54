package io.junction.client;

import io.junction.config.ConfigException;
import io.junction.config.PropertiesFile;
import io.junction.config.SecretFiles;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Where to reach the bus and as whom: a broker or cluster URL (its TLS settings among its parameters), a user and a
 * password. The credentials file ({@code url=}, {@code user=}, {@code password=}; a node writes its first
 * administrator's to {@code data/admin.credentials}, readable by its owner alone) is read and written here only, the
 * user and password are resolved here only ({@link #resolve}), and every Junction client builds its JMS connection
 * factory here ({@link #factory}).
 */
public record Credentials(String url, String user, String password) {
    /** The name of the credentials file a node writes into its data directory. */
    public static final String FILE_NAME = "admin.credentials";
    /** Where a node listens with the built-in defaults, and where clients look when told nothing else. */
    public static final String DEFAULT_URL = "tcp://127.0.0.1:61616";
    /** The environment variables a login falls back to. */
    public static final String USER_VARIABLE = "JUNCTION_USER";
    public static final String PASSWORD_VARIABLE = "JUNCTION_PASSWORD";

    /** Reads a credentials file; a missing url means {@link #DEFAULT_URL}. */
    public static Credentials read(Path file) {
        Map<String, String> values = PropertiesFile.read(file);
        String user = values.get("user");
        String password = values.get("password");
        if (user == null || password == null) {
            throw new ConfigException("Credentials file " + file + " lacks a user or password entry");
        }
        return new Credentials(values.getOrDefault("url", DEFAULT_URL), user, password);
    }

    /**
     * The user and password for {@code url} from the first place that has them: {@code user} and {@code password} as
     * given (a missing password may come from {@value #PASSWORD_VARIABLE}), then {@value #USER_VARIABLE} with
     * {@value #PASSWORD_VARIABLE} from {@code environment}, then {@code fallback} (a credentials file, say; its URL is
     * not used). A user and password come as a pair from one place: half a pair is a {@link ConfigException}.
     */
    public static Optional<Credentials> resolve(String url, String user, String password, Map<String, String> environment,
            Supplier<Optional<Credentials>> fallback) {
        String envPassword = environment.get(PASSWORD_VARIABLE);
        if (user != null || password != null) {
            String pw = password != null ? password : envPassword;
            if (user == null || pw == null) {
                throw new ConfigException("--user and --password (or " + PASSWORD_VARIABLE + ") go together");
            }
            return Optional.of(new Credentials(url, user, pw));
        }
        String envUser = environment.get(USER_VARIABLE);
        if (envUser != null) {
            if (envPassword == null) {
                throw new ConfigException(USER_VARIABLE + " is set but " + PASSWORD_VARIABLE + " is not");
            }
            return Optional.of(new Credentials(url, envUser, envPassword));
        }
        return fallback.get().map(found -> found.at(url));
    }

    /** Writes this as a credentials file that only its owner may read, replacing any file there at once. */
    public void write(Path file) {
        try {
            SecretFiles.write(file, "# Junction admin credentials for this node, used by the junction CLI on this machine.\n"
                    + "url=" + url + "\nuser=" + user + "\npassword=" + password + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The same user and password at another URL. */
    public Credentials at(String otherUrl) {
        return new Credentials(otherUrl, user, password);
    }

    /** Another user and password at the same URL. */
    public Credentials withUser(String otherUser, String otherPassword) {
        return new Credentials(url, otherUser, otherPassword);
    }

    /**
     * A JMS connection factory for this URL, user and password. The caller closes it (it owns the connections'
     * threads). A URL Artemis cannot read is a {@link ConfigException} that names it, its passwords hidden.
     */
    public ActiveMQConnectionFactory factory() {
        try {
            return new ActiveMQConnectionFactory(url, user, password);
        } catch (RuntimeException e) {
            ConfigException invalid = new ConfigException("Invalid bus URL " + ClientUrls.redacted(url) + ": " + ClientErrors.rootMessage(e));
            invalid.initCause(e);
            throw invalid;
        }
    }

    /** An open, started connection and the factory that owns its transport; closing closes both. */
    public record Open(Connection connection, ActiveMQConnectionFactory factory) implements AutoCloseable {
        @Override
        public void close() throws JMSException {
            try {
                connection.close();
            } finally {
                factory.close();
            }
        }
    }

    /** Opens and starts a connection ({@link #factory}); on failure nothing is left open. */
    public Open connect() throws JMSException {
        ActiveMQConnectionFactory f = factory();
        Connection c = null;
        boolean opened = false;
        try {
            c = f.createConnection();
            c.start();
            opened = true;
            return new Open(c, f);
        } finally {
            if (!opened) {
                ClientErrors.closeQuietly(c);
                f.close();
            }
        }
    }

    /** Never the password: these end up in logs and failure messages. */
    @Override
    public String toString() {
        return user + "@" + ClientUrls.redacted(url);
    }
}
