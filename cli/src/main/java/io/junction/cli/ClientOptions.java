package io.junction.cli;

import io.junction.config.ConfigException;
import io.junction.node.AdminCredentials;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import picocli.CommandLine.Option;

/**
 * Where and as whom a command connects. Each option falls back to its environment variable, then to the local
 * node's {@code data/admin.credentials}, then to {@code tcp://127.0.0.1:61616}.
 */
final class ClientOptions {
    static final String DEFAULT_URL = "tcp://127.0.0.1:61616";

    @Option(names = "--url", paramLabel = "URL", description = "Broker URL (env JUNCTION_URL; default: from the credentials file, else "
            + DEFAULT_URL + ").")
    String url;

    @Option(names = {"-u", "--user"}, paramLabel = "NAME", description = "User name (env JUNCTION_USER; default: from the credentials file).")
    String user;

    @Option(names = "--password", paramLabel = "SECRET", description = "Password (env JUNCTION_PASSWORD, which keeps it out of the process list; "
            + "default: from the credentials file).")
    String password;

    @Option(names = "--credentials", paramLabel = "FILE", description = "Credentials file written by the node on its first start "
            + "(env JUNCTION_CREDENTIALS; default: ./data/admin.credentials).")
    Path credentials;

    /** An open, started JMS connection and the factory that owns its transport; closing closes both. */
    record Client(Connection connection, ActiveMQConnectionFactory factory) implements AutoCloseable {
        @Override
        public void close() throws JMSException {
            try {
                connection.close();
            } finally {
                factory.close();
            }
        }
    }

    /** Opens and starts a JMS connection, turning refusals into one-line failures. */
    Client connect() {
        String resolvedUrl = first(url, System.getenv("JUNCTION_URL"), fromFile() == null ? null : fromFile().url(), DEFAULT_URL);
        String resolvedUser = first(user, System.getenv("JUNCTION_USER"), fromFile() == null ? null : fromFile().user(), null);
        String resolvedPassword = first(password, System.getenv("JUNCTION_PASSWORD"), fromFile() == null ? null : fromFile().password(), null);
        if (resolvedUser == null) {
            throw CliFailure.failure("No credentials: pass --user and --password, set JUNCTION_USER and JUNCTION_PASSWORD, "
                    + "or run where the node's " + credentialsFile() + " is readable");
        }
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(clientUrl(resolvedUrl));
        try {
            Connection connection = factory.createConnection(resolvedUser, resolvedPassword);
            connection.start();
            return new Client(connection, factory);
        } catch (JMSSecurityException e) {
            factory.close();
            throw CliFailure.failure("Login refused by " + resolvedUrl + " for user '" + resolvedUser + "': check the user name and password");
        } catch (JMSException e) {
            factory.close();
            throw CliFailure.failure("Cannot connect to " + resolvedUrl + ": " + rootMessage(e) + ". Is the node running?");
        }
    }

    private AdminCredentials cached;

    private AdminCredentials fromFile() {
        if (cached == null) {
            Path file = credentialsFile();
            if (Files.isReadable(file)) {
                try {
                    cached = AdminCredentials.read(file);
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
        return env != null ? Path.of(env) : Path.of("data", AdminCredentials.FILE_NAME);
    }

    /** A CLI client tries once and gives up quickly, unless the URL sets its own parameters. */
    private static String clientUrl(String url) {
        return url.contains("?") ? url : url + "?reconnectAttempts=0&initialConnectAttempts=1&callTimeout=15000";
    }

    private static String first(String a, String b, String c, String d) {
        return a != null ? a : b != null ? b : c != null ? c : d;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.replaceAll("^AMQ\\d+: ", "");
    }
}
