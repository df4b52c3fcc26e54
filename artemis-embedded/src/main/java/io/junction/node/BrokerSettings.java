package io.junction.node;

import io.junction.config.Config;
import java.nio.file.Path;
import java.util.Set;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.utils.critical.CriticalAnalyzerPolicy;

/** Turns a validated node configuration into the Artemis broker configuration, built in code (no broker.xml). */
public final class BrokerSettings {
    static final String DEAD_LETTER_QUEUE = "DLQ";
    static final String EXPIRY_QUEUE = "ExpiryQueue";

    private BrokerSettings() {
    }

    public static Configuration build(Config config, Path dataDir, JournalType journalType) throws Exception {
        int bufferTimeoutNanos = (int) config.get(NodeConfig.JOURNAL_BUFFER_TIMEOUT).toNanos();
        boolean sync = config.get(NodeConfig.JOURNAL_SYNC);
        ConfigurationImpl c = new ConfigurationImpl();
        c.setName(config.get(NodeConfig.NAME))
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                // the security manager caches checked passwords itself, keyed by the user's current hash, so that a
                // removed user or a changed password is refused at once; authorisations are re-checked every 5 s
                .setAuthenticationCacheSize(0)
                .setSecurityInvalidationInterval(5_000)
                .setJMXManagementEnabled(false)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setJournalType(journalType)
                .setJournalBufferTimeout_AIO(bufferTimeoutNanos)
                .setJournalBufferTimeout_NIO(bufferTimeoutNanos)
                .setJournalSyncTransactional(sync)
                .setJournalSyncNonTransactional(sync)
                .setJournalDatasync(true)
                .setJournalFileSize((int) (long) config.get(NodeConfig.JOURNAL_FILE_SIZE))
                .setGlobalMaxSize(config.get(NodeConfig.GLOBAL_MAX_SIZE))
                .setMaxDiskUsage(config.get(NodeConfig.DISK_MAX_USAGE))
                // a message delivered but not acknowledged before a crash or failover comes back flagged as redelivered
                .setPersistDeliveryCountBeforeDelivery(true);
        // Artemis lets its cluster user in unchecked, and ships a well-known default (ACTIVEMQ.CLUSTER.ADMIN.USER /
        // "CHANGE ME!!"). A single node has no peers: a random name and password, never stored, close that door, and
        // every login under any other name reaches the security manager and its throttle. A cluster node's
        // GroupSettings replace both with the cluster's own user and secret.
        c.setClusterUser("junction-cluster-" + io.junction.security.PasswordHash.randomPassword(16))
                .setClusterPassword(io.junction.security.PasswordHash.randomPassword(32));
        c.setNodeManagerLockDirectory(dataDir.resolve("journal").toString());
        // StartupChecks refuses a held data directory; should another node win the lock in between, fail, don't hang
        c.setJournalLockAcquisitionTimeout(10_000);
        // A stalled disk should be logged, not halt the JVM: a node process may host more than one broker.
        c.setCriticalAnalyzerPolicy(CriticalAnalyzerPolicy.LOG);

        for (String name : config.get(NodeConfig.ACCEPTORS)) {
            Acceptor acceptor = Acceptor.named(name);
            c.addAcceptorConfiguration(acceptor.configName(), acceptor.uri(config));
        }

        c.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_QUEUE))
                .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE))
                .setMaxDeliveryAttempts(config.get(NodeConfig.MAX_DELIVERY_ATTEMPTS))
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true)
                // An auto-created queue outlives its consumers. Artemis would otherwise delete an empty queue when its
                // last consumer leaves, and a cluster bridge still forwarding to the old queue drops those messages
                // (AMQ222196) once a reconnecting consumer has created it anew.
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false));
        c.addQueueConfiguration(QueueConfiguration.of(DEAD_LETTER_QUEUE).setRoutingType(RoutingType.ANYCAST));
        c.addQueueConfiguration(QueueConfiguration.of(EXPIRY_QUEUE).setRoutingType(RoutingType.ANYCAST));

        // Who may do what is decided by the security manager from the directory of tenants and users (TenantAccess);
        // this entry only gives Artemis's own checks a role to look up.
        c.putSecurityRoles("#", Set.of(allPermissions(AdminCredentials.ADMIN_ROLE)));
        return c;
    }

    private static Role allPermissions(String roleName) {
        return new Role(roleName, true, true, true, true, true, true, true, true, true, true, true, true);
    }
}
