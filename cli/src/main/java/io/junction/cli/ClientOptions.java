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
    @Option(names = "--url", paramLabel = "URL", description = "Broker URL (env JUNCTION_URL; default: from the credentials file, else "
            + AdminCredentials.DEFAULT_URL + ").")
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
        return connect(resolvedUrl());
    }

    /** The URL the options, the environment or the credentials file give, in that order. */
    String resolvedUrl() {
        String resolved = first(url, System.getenv("JUNCTION_URL"));
        if (resolved == null) {
            AdminCredentials file = fromFile();
            resolved = file != null ? file.url() : AdminCredentials.DEFAULT_URL;
        }
        return resolved;
    }

    /**
     * Each broker a URL lists, as a URL of its own: {@code (tcp://a:1,tcp://b:2)?ha=true} gives {@code tcp://a:1} and
     * {@code tcp://b:2}; a single-broker URL gives itself without its parameters.
     */
    static java.util.List<String> brokers(String url) {
        String hosts = url.startsWith("(") && url.contains(")") ? url.substring(1, url.indexOf(')')) : url.split("\\?", 2)[0];
        return java.util.Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
    }

    /** Opens and starts a JMS connection to {@code resolvedUrl} with the resolved credentials. */
    Client connect(String resolvedUrl) {
        String[] login = login();
        ActiveMQConnectionFactory factory;
        try {
            factory = new ActiveMQConnectionFactory(clientUrl(resolvedUrl));
        } catch (RuntimeException e) {
            throw CliFailure.usage("Invalid value " + resolvedUrl + " for option '--url': " + rootMessage(e));
        }
        Connection connection = null;
        try {
            connection = factory.createConnection(login[0], login[1]);
            connection.start();
            return new Client(connection, factory);
        } catch (JMSSecurityException e) {
            closeQuietly(connection, factory);
            throw CliFailure.failure("Login refused by " + resolvedUrl + " for user '" + login[0] + "': check the user name and password");
        } catch (JMSException e) {
            closeQuietly(connection, factory);
            throw CliFailure.failure("Cannot connect to " + resolvedUrl + ": " + rootMessage(e) + ". Is the node running?");
        }
    }

    /** User and password come as a pair from one place: the options, the environment, or the credentials file. */
    private String[] login() {
        if (user != null || password != null) {
            String pw = password != null ? password : System.getenv("JUNCTION_PASSWORD");
            if (user == null || pw == null) {
                throw CliFailure.usage("--user and --password (or JUNCTION_PASSWORD) go together");
            }
            return new String[] {user, pw};
        }
        String envUser = System.getenv("JUNCTION_USER");
        if (envUser != null) {
            String envPassword = System.getenv("JUNCTION_PASSWORD");
            if (envPassword == null) {
                throw CliFailure.usage("JUNCTION_USER is set but JUNCTION_PASSWORD is not");
            }
            return new String[] {envUser, envPassword};
        }
        AdminCredentials file = fromFile();
        if (file == null) {
            throw CliFailure.failure("No credentials: pass --user and --password, set JUNCTION_USER and JUNCTION_PASSWORD, "
                    + "or run where the node's " + credentialsFile() + " is readable");
        }
        return new String[] {file.user(), file.password()};
    }

    private static void closeQuietly(Connection connection, ActiveMQConnectionFactory factory) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (JMSException ignored) {
            // the connection failed already; closing it is only tidying up
        } finally {
            factory.close();
        }
    }

    private AdminCredentials cached;

    /** The local node's credentials file, read only when an option or variable leaves something out. */
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

    private static String first(String a, String b) {
        return a != null ? a : b;
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
