package io.junction.node;

import io.junction.client.Credentials;
import io.junction.config.Config;
import io.junction.security.DirectoryStore;
import io.junction.security.JunctionSecurityManager;
import io.junction.tenant.TenantBrokers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node running one embedded Artemis broker. {@link #create} validates everything (data directory, ports,
 * memory, journal) before anything starts; {@link #close} stops the broker cleanly, finishing in-flight work and
 * closing the journal.
 */
public final class JunctionNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JunctionNode.class);

    private final Config config;
    private final Path dataDir;
    private final JournalChoice journal;
    private final DirectoryStore users;
    private final AtomicReference<EmbeddedActiveMQ> embedded = new AtomicReference<>();
    private Credentials createdAdmin;

    private JunctionNode(Config config, Path dataDir, JournalChoice journal, DirectoryStore users) {
        this.config = config;
        this.dataDir = dataDir;
        this.journal = journal;
        this.users = users;
    }

    /** Validates the configuration against this machine; throws {@code ConfigException} naming the key at fault. */
    public static JunctionNode create(Config config) {
        if (config.get(NodeConfig.CLUSTER_NODE_ID) != 0) {
            throw config.invalid(NodeConfig.CLUSTER_NODE_ID, "a clustered node runs as a ClusterNode, not a single JunctionNode");
        }
        Path dataDir = StartupChecks.dataDirectory(config);
        StartupChecks.notInUse(config, dataDir);
        StartupChecks.memory(config, Runtime.getRuntime().maxMemory());
        StartupChecks.ports(config);
        Tls.check(config);
        Path journalDir = dataDir.resolve("journal");
        try {
            Files.createDirectories(journalDir);
        } catch (IOException e) {
            throw config.invalid(NodeConfig.DATA_DIR, "cannot create " + journalDir + " (" + e.getMessage() + ")");
        }
        JournalChoice journal = JournalChoice.resolve(config, journalDir);
        DirectoryStore users = DirectoryStore.open(dataDir.resolve("security").resolve("directory.properties"));
        return new JunctionNode(config, dataDir, journal, users);
    }

    public synchronized JunctionNode start() throws Exception {
        if (embedded.get() != null) {
            throw new IllegalStateException("node " + name() + " is already started");
        }
        LOG.info("Node {} configuration from {}: {}", name(), config.source(), config.describeForLog());
        createdAdmin = AdminCredentials.bootstrap(users, dataDir, connectUrl()).orElse(null);
        JunctionSecurityManager security = new JunctionSecurityManager(users);
        org.apache.activemq.artemis.core.config.Configuration configuration = BrokerSettings.build(config, dataDir, journal.type());
        // a single node has no peers: its cluster user is admitted from nowhere
        configuration.registerBrokerPlugin(new ClusterUserOrigin(configuration.getClusterUser(), java.util.Set.of(), security));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration).setSecurityManager(security);
        embedded.set(broker);
        try {
            broker.createActiveMQServer();
            ActiveMQServer server = broker.getActiveMQServer();
            TenantBrokers.prepare(server, users);
            users.onChange(d -> {
                if (embedded.get() == broker) {
                    TenantBrokers.apply(server, users.snapshot());
                }
            });
            broker.start();
            awaitActive(broker.getActiveMQServer());
        } catch (Exception e) {
            close();
            throw e;
        }
        AdminCredentials.refreshUrl(dataDir, connectUrl());
        LOG.info("Node {} active: journal {}, data {}, listening on {}", name(), journal.describe(), dataDir, acceptorUrls());
        return this;
    }

    /** Artemis logs a failed start and stops rather than throwing; report that instead of waiting in vain. */
    private void awaitActive(ActiveMQServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.waitForActivation(100, TimeUnit.MILLISECONDS)) {
            ActiveMQServer.SERVER_STATE state = server.getState();
            if (state == ActiveMQServer.SERVER_STATE.STOPPED || state == ActiveMQServer.SERVER_STATE.STOPPING) {
                throw new IllegalStateException("the broker of node " + name() + " failed to start; its log says why");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker of node " + name() + " did not become active within 60s");
            }
        }
    }

    /** Stops the broker; safe to call more than once, and from a signal handler while {@link #start} still runs. */
    @Override
    public void close() throws Exception {
        EmbeddedActiveMQ broker = embedded.getAndSet(null);
        if (broker != null) {
            LOG.info("Node {} stopping", name());
            broker.stop();
            LOG.info("Node {} stopped", name());
        }
    }

    public String name() {
        return config.get(NodeConfig.NAME);
    }

    public Path dataDirectory() {
        return dataDir;
    }

    public String journalDescription() {
        return journal.describe();
    }

    /** The admin credentials created by this start, present only on a node's very first start. */
    public Optional<Credentials> createdAdmin() {
        return Optional.ofNullable(createdAdmin);
    }

    public Path credentialsFile() {
        return dataDir.resolve(Credentials.FILE_NAME);
    }

    /** The URL clients on this machine use to reach the main acceptor. */
    public String connectUrl() {
        return "tcp://" + UrlHosts.connect(config.get(NodeConfig.BIND_ADDRESS)) + ":" + config.get(NodeConfig.MAIN_PORT) + Tls.localClientParameters(config);
    }

    public List<String> acceptorUrls() {
        List<String> urls = new ArrayList<>();
        for (String name : config.get(NodeConfig.ACCEPTORS)) {
            Acceptor a = Acceptor.named(name);
            urls.add(name + "=tcp://" + UrlHosts.listen(config.get(NodeConfig.BIND_ADDRESS)) + ":" + config.get(a.portKey()));
        }
        return urls;
    }

}
