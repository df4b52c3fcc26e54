package io.junction.cli;

import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.config.ConfigException;
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
            Credentials file = fromFile();
            resolved = file != null ? file.url() : Credentials.DEFAULT_URL;
        }
        return resolved;
    }

    /** Parameters that make a URL follow a cluster; a URL for one broker of it leaves them out. */
    private static final java.util.Set<String> CLUSTER_PARAMETERS = java.util.Set.of("name", "ha", "reconnectAttempts", "retryInterval",
            "retryIntervalMultiplier", "clientFailureCheckPeriod", "connectionTTL", "callTimeout", "callFailoverTimeout", "useTopologyForLoadBalancing");

    /**
     * Each broker a URL lists, as a URL of its own with the parameters that apply to it (TLS, say) but none that make
     * it follow a cluster: {@code (tcp://a:1?name=x,tcp://b:2)?ha=true&sslEnabled=true} gives {@code
     * tcp://a:1?sslEnabled=true} and {@code tcp://b:2?sslEnabled=true}.
     */
    static java.util.List<String> brokers(String url) {
        String hosts = url;
        String outer = "";
        if (url.startsWith("(") && url.contains(")")) {
            int close = url.lastIndexOf(')');
            hosts = url.substring(1, close);
            outer = url.startsWith("?", close + 1) ? url.substring(close + 2) : "";
        }
        java.util.List<String> result = new java.util.ArrayList<>();
        for (String host : hosts.split(",")) {
            String[] parts = host.trim().split("\\?", 2);
            if (parts[0].isEmpty()) {
                continue;
            }
            java.util.List<String> kept = new java.util.ArrayList<>();
            for (String query : new String[] {outer, parts.length > 1 ? parts[1] : ""}) {
                for (String p : query.split("&")) {
                    if (!p.isEmpty() && !CLUSTER_PARAMETERS.contains(p.split("=", 2)[0])) {
                        kept.add(p);
                    }
                }
            }
            result.add(kept.isEmpty() ? parts[0] : parts[0] + "?" + String.join("&", kept));
        }
        return result;
    }

    /** Opens and starts a JMS connection to {@code resolvedUrl} with the resolved credentials. */
    Client connect(String resolvedUrl) {
        String[] login = login();
        ActiveMQConnectionFactory factory;
        try {
            factory = new ActiveMQConnectionFactory(clientUrl(resolvedUrl));
        } catch (RuntimeException e) {
            throw CliFailure.usage("Invalid value " + ClientUrls.redacted(resolvedUrl) + " for option '--url': " + rootMessage(e));
        }
        Connection connection = null;
        try {
            connection = factory.createConnection(login[0], login[1]);
            connection.start();
            return new Client(connection, factory);
        } catch (JMSSecurityException e) {
            closeQuietly(connection, factory);
            throw CliFailure.failure("Login refused by " + ClientUrls.redacted(resolvedUrl) + " for user '" + login[0] + "': check the user name and password");
        } catch (JMSException e) {
            closeQuietly(connection, factory);
            throw CliFailure.failure("Cannot connect to " + ClientUrls.redacted(resolvedUrl) + ": " + rootMessage(e) + ". Is the node running?");
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
        Credentials file = fromFile();
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

    /** A CLI client tries each listed broker once and gives up quickly, unless the URL says otherwise. */
    private static final String[] QUICK = {"reconnectAttempts=0", "initialConnectAttempts=1", "callTimeout=15000"};

    static String clientUrl(String url) {
        int close = url.startsWith("(") ? url.lastIndexOf(')') : -1;
        boolean hasQuery = url.indexOf('?', close + 1) >= 0;
        StringBuilder u = new StringBuilder(url);
        for (String p : QUICK) {
            if (!java.util.regex.Pattern.compile("[?&]" + p.split("=")[0] + "=").matcher(url.substring(close + 1)).find()) {
                u.append(hasQuery ? '&' : '?').append(p);
                hasQuery = true;
            }
        }
        return u.toString();
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
