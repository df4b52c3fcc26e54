package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.config.ConfigException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where and as whom a command connects. Each option falls back to its environment variable, then to the local
 * node's {@code data/admin.credentials}, then to {@code tcp://127.0.0.1:61616}.
 */
final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", description = "Broker URL (env JUNCTION_URL; default: from the credentials file, else "
            + Credentials.DEFAULT_URL + ").")
    String url;

    @Option(names = {"-u", "--user"}, paramLabel = "NAME", description = "User name (env JUNCTION_USER; default: from the credentials file).")
    String user;

    @Option(names = "--password", paramLabel = "SECRET", description = "Password (env JUNCTION_PASSWORD, which keeps it out of the process list; "
            + "default: from the credentials file).")
    String password;

    @Option(names = "--credentials", paramLabel = "FILE", description = "Credentials file written by the node on its first start "
            + "(env JUNCTION_CREDENTIALS; default: ./data/admin.credentials).")
    Path credentials;

    /** Opens and starts a JMS connection, turning refusals into one-line failures. */
    Credentials.Open connect() {
        return connect(resolvedUrl());
    }

    /** The URL the options, the environment or the credentials file give, in that order. */
    String resolvedUrl() {
        String resolved = first(url, System.getenv("JUNCTION_URL"));
        if (resolved == null) {
            Credentials file = fromFile();
            resolved = file != null ? file.url() : Credentials.DEFAULT_URL;
        }
        return resolved;
    }

    /** Opens and starts a JMS connection to {@code resolvedUrl} with the resolved credentials, trying each broker once. */
    Credentials.Open connect(String resolvedUrl) {
        Credentials login = login(ClientUrls.quick(resolvedUrl));
        try {
            return login.connect();
        } catch (ConfigException e) {
            throw CliFailure.usage("Invalid value " + ClientUrls.redacted(resolvedUrl) + " for option '--url': "
                    + ClientErrors.rootMessage(e.getCause() == null ? e : e.getCause()));
        } catch (JMSSecurityException e) {
            throw CliFailure.failure("Login refused by " + ClientUrls.redacted(resolvedUrl) + " for user '" + login.user()
                    + "': check the user name and password");
        } catch (JMSException e) {
            throw CliFailure.failure("Cannot connect to " + ClientUrls.redacted(resolvedUrl) + ": " + ClientErrors.rootMessage(e)
                    + ". Is the node running?");
        }
    }

    /** Where and as whom the options say to connect, for a long-running client (the URL as given, not a quick one). */
    Credentials credentials() {
        return login(resolvedUrl());
    }

    /** User and password come as a pair from one place: the options, the environment, or the credentials file. */
    private Credentials login(String at) {
        try {
            return Credentials.resolve(at, user, password, System.getenv(), () -> Optional.ofNullable(fromFile()))
                    .orElseThrow(() -> CliFailure.failure("No credentials: pass --user and --password, set JUNCTION_USER and JUNCTION_PASSWORD, "
                            + "or run where the node's " + credentialsFile() + " is readable"));
        } catch (ConfigException e) {
            throw CliFailure.usage(e.getMessage());
        }
    }

    private Credentials cached;

    /** The local node's credentials file, read only when an option or variable leaves something out. */
    private Credentials fromFile() {
        if (cached == null) {
            Path file = credentialsFile();
            if (Files.isReadable(file)) {
                try {
                    cached = Credentials.read(file);
                } catch (ConfigException e) {
                    throw CliFailure.failure(e.getMessage());
                }
            }
        }
        return cached;
    }

    private Path credentialsFile() {
        if (credentials != null) {
            return credentials;
        }
        String env = System.getenv("JUNCTION_CREDENTIALS");
        return env != null ? Path.of(env) : Path.of("data", Credentials.FILE_NAME);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
