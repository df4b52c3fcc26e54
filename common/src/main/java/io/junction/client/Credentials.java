package io.junction.client;

import io.junction.config.ConfigException;
import io.junction.config.PropertiesFile;
import io.junction.config.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where to reach the bus and as whom: a broker or cluster URL, a user and a password. The credentials file
 * ({@code url=}, {@code user=}, {@code password=}; a node writes its first administrator's to
 * {@code data/admin.credentials}, readable by its owner alone) is read and written here only.
 */
public record Credentials(String url, String user, String password) {
    /** The name of the credentials file a node writes into its data directory. */
    public static final String FILE_NAME = "admin.credentials";
    /** Where a node listens with the built-in defaults, and where clients look when told nothing else. */
    public static final String DEFAULT_URL = "tcp://127.0.0.1:61616";

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

    /** Never the password: these end up in logs and failure messages. */
    @Override
    public String toString() {
        return user + "@" + url;
    }
}
