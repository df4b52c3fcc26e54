package io.junction.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.Destinations;
import io.junction.client.ListenerLoop;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.client.TenantAddresses;
import io.junction.cluster.ops.LocalClusterExtension;
import io.junction.testing.Waits;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer reaches a real three-node cluster through the client library in junction-common alone (this module has
 * nothing else on its compile class path): it logs in as its tenant's user, receives transactionally what a producer
 * sends reliably, and goes on receiving every acknowledged message when a node is killed (kill -9) in the middle.
 */
class BusClientClusterTest {
    @RegisterExtension
    static final LocalClusterExtension CLUSTER = new LocalClusterExtension();

    private static final String TENANT = "acme";
    private static final String PASSWORD = "consumer-secret-1";
    private static Credentials producer;
    private static Credentials consumer;

    @BeforeAll
    static void tenantUsersKnownOnEveryBroker() throws JMSException {
        Credentials admin = CLUSTER.admin();
        try (Credentials.Open open = admin.connect(); ManagementClient management = new ManagementClient(open.connection(), Duration.ofSeconds(15))) {
            management.text(ManagementClient.DIRECTORY, "createTenant", TENANT, "Acme", "");
            management.text(ManagementClient.DIRECTORY, "addUser", "acme-poller", TENANT, "producer", PASSWORD);
            management.text(ManagementClient.DIRECTORY, "addUser", "acme-events", TENANT, "consumer", PASSWORD);
        }
        producer = admin.withUser("acme-poller", PASSWORD);
        consumer = admin.withUser("acme-events", PASSWORD);
        CLUSTER.awaitLogin(consumer);
    }

    @Test
    void everyAcknowledgedSendIsReceivedThroughTheKillOfANode() throws Exception {
        String events = TenantAddresses.events(TENANT);
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicLong deliveries = new AtomicLong();
        ListenerLoop loop = ListenerLoop.start(consumer, Duration.ofSeconds(5), s -> s.createConsumer(Destinations.forReceiving(s, events)),
                message -> {
                    deliveries.incrementAndGet();
                    received.add(((TextMessage) message).getText());
                }, "test-event-manager");
        Set<String> acknowledged = new HashSet<>();
        try (BusConnection bus = BusConnection.open(producer, Duration.ofSeconds(5))) {
            ReliableSender sender = new ReliableSender(bus, Destinations.forSending(bus.session(), events), Duration.ofSeconds(60));
            for (int i = 0; i < 200; i++) {
                if (i == 100) {
                    CLUSTER.kill(2);
                }
                TextMessage m = bus.session().createTextMessage("linkDown device-" + i);
                sender.send(m);
                acknowledged.add(m.getText());
            }
            Waits.until(Duration.ofSeconds(120), "every acknowledged event received", () -> received.containsAll(acknowledged));
            assertEquals(acknowledged, received);
            assertTrue(deliveries.get() >= acknowledged.size(), "a handler ran for each, some maybe twice after the failover");
        } finally {
            assertTrue(loop.stop(Duration.ofSeconds(15)), "the loop stops");
        }
    }
}
