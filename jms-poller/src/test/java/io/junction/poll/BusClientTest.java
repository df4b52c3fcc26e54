package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.ClientConfig;
import io.junction.client.Credentials;
import io.junction.client.Destinations;
import io.junction.client.ListenerLoop;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.client.TenantAddresses;
import io.junction.config.ConfigDef;
import io.junction.config.ConfigException;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A poller reaches the bus through the client library in junction-common alone (this module has nothing else on its
 * compile class path): its configuration keys, login, a reliable send to its tenant's metrics, a transacted receive and
 * a management call, against a real node.
 */
class BusClientTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();

    private static final String TENANT = "acme";
    private static final String PASSWORD = "poller-secret-1";
    private static Credentials admin;

    @BeforeAll
    static void tenantWithAPollerAndAReader() throws JMSException {
        admin = NODE.node().admin().at(NODE.node().coreUrl());
        try (Credentials.Open open = admin.connect(); ManagementClient management = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            management.text(ManagementClient.DIRECTORY, "createTenant", TENANT, "Acme", "");
            management.text(ManagementClient.DIRECTORY, "createTenant", "other", "Other", "");
            management.text(ManagementClient.DIRECTORY, "addUser", "acme-poller", TENANT, "producer", PASSWORD);
            management.text(ManagementClient.DIRECTORY, "addUser", "acme-reader", TENANT, "consumer", PASSWORD);
        }
    }

    /** The poller's own file: its keys beside the client keys, declared once in junction-common. */
    private static Credentials pollerLogin(Map<String, String> file) {
        ConfigDef def = ClientConfig.define(new ConfigDef());
        return ClientConfig.credentials(def.parse(file, "poller.properties"), Map.of());
    }

    @Test
    void aPollerSendsReliablyAndAReaderReceivesTransactionally() throws Exception {
        Credentials poller = pollerLogin(Map.of("bus.url", NODE.node().coreUrl(), "bus.user", "acme-poller", "bus.password", PASSWORD));
        Credentials reader = poller.withUser("acme-reader", PASSWORD);
        String metrics = TenantAddresses.metrics(TENANT);
        int count = 50;
        Set<String> sent = new HashSet<>();
        try (BusConnection bus = BusConnection.open(poller, Duration.ofSeconds(5))) {
            ReliableSender sender = new ReliableSender(bus, Destinations.forSending(bus.session(), metrics), Duration.ofSeconds(30));
            for (int i = 0; i < count; i++) {
                TextMessage m = bus.session().createTextMessage("ifInOctets device-" + i + " " + (1000 + i));
                sender.send(m);
                sent.add(m.getText());
            }
        }
        try (Credentials.Open open = admin.connect(); ManagementClient management = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            assertEquals((long) count, ((Number) management.attribute("queue." + metrics, "messageCount")).longValue());
        }

        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicBoolean failedOnce = new AtomicBoolean();
        ListenerLoop loop = ListenerLoop.start(reader, Duration.ofSeconds(5), s -> s.createConsumer(Destinations.forReceiving(s, metrics)),
                message -> {
                    String text = ((TextMessage) message).getText();
                    if (text.startsWith("ifInOctets device-7 ") && failedOnce.compareAndSet(false, true)) {
                        throw new IllegalStateException("the handler fails once");
                    }
                    received.add(text);
                }, "test-reader");
        try {
            Waits.until(Duration.ofSeconds(30), "the reader to commit all " + count, () -> loop.committed() == count);
            assertEquals(sent, received);
            assertTrue(loop.rolledBack() >= 1, "the failed handler's message was rolled back and delivered again");
        } finally {
            assertTrue(loop.stop(Duration.ofSeconds(10)), "the loop stops");
        }
        try (Credentials.Open open = admin.connect(); ManagementClient management = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            assertEquals(0L, ((Number) management.attribute("queue." + metrics, "messageCount")).longValue(), "nothing left after the commits");
        }
    }

    @Test
    void aWrongPasswordAndAnotherTenantsAddressAreRefused() throws Exception {
        Credentials wrong = pollerLogin(Map.of("bus.url", NODE.node().coreUrl(), "bus.user", "acme-poller", "bus.password", "not-it"));
        assertThrows(JMSSecurityException.class, wrong::connect);
        Credentials poller = wrong.withUser("acme-poller", PASSWORD);
        try (BusConnection bus = BusConnection.open(poller, Duration.ofSeconds(5))) {
            ReliableSender sender = new ReliableSender(bus, Destinations.forSending(bus.session(), TenantAddresses.metrics("other")), Duration.ZERO);
            assertThrows(JMSSecurityException.class, () -> sender.send(bus.session().createTextMessage("into another tenant")));
        }
    }

    @Test
    void aBadClientConfigurationNamesItsKey() {
        ConfigException noLogin = assertThrows(ConfigException.class, () -> pollerLogin(Map.of("bus.url", NODE.node().coreUrl())));
        assertTrue(noLogin.getMessage().contains("poller.properties") && noLogin.getMessage().contains("bus.user"), noLogin.getMessage());
        ConfigException badUrl = assertThrows(ConfigException.class, () -> pollerLogin(Map.of("bus.url", "http://x", "bus.user", "u", "bus.password", "p")));
        assertEquals("bus.url", badUrl.key());
        ConfigException halfPair = assertThrows(ConfigException.class, () -> pollerLogin(Map.of("bus.user", "u")));
        assertEquals("bus.user", halfPair.key());
        ConfigException noStore = assertThrows(ConfigException.class,
                () -> pollerLogin(Map.of("bus.user", "u", "bus.password", "p", "bus.truststore", "/nonexistent/t.p12")));
        assertEquals("bus.truststore", noStore.key());
    }
}
