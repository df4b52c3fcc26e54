package io.junction.consume.api;

import io.junction.consume.metric.MetricStore;
import io.junction.consume.store.EventStore;
import io.junction.consume.store.MaintenanceWindows;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The consumers' HTTP API on an embedded Jetty: plain HTTP, or HTTPS with a keystore. */
public final class ApiServer implements AutoCloseable {
    /** Where it listens; {@code keystore} empty: plain HTTP. */
    public record Settings(String address, int port, String keystore, String keystorePassword) {
    }

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;

    private ApiServer(Server server, ServerConnector connector, boolean tls) {
        this.server = server;
        this.connector = connector;
        this.tls = tls;
    }

    /** Starts serving {@code tenants}; a port that cannot be bound is an exception naming it. */
    public static ApiServer start(Settings s, Set<String> tenants, BusLogins logins, EventStore events, MaintenanceWindows windows, MetricStore metrics,
            io.junction.consume.notify.Notifier notifier, ApiHandler.PollerReader pollers) {
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("junction-api");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        boolean tls = !s.keystore().isEmpty();
        ServerConnector connector;
        if (tls) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(s.keystore());
            ssl.setKeyStorePassword(s.keystorePassword());
            http.addCustomizer(new SecureRequestCustomizer());
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(s.address());
        connector.setPort(s.port());
        server.addConnector(connector);
        server.setHandler(new ApiHandler(tenants, logins, events, windows, metrics, notifier, pollers));
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IllegalStateException("api.port " + s.port() + " on " + s.address() + ": cannot serve the API: " + e.getMessage(), e);
        }
        return new ApiServer(server, connector, tls);
    }

    /** The port it listens on (the one chosen when 0 was asked for). */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} or {@code https://...}. */
    public String url() {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
        return (tls ? "https" : "http") + "://" + host + ":" + port();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
