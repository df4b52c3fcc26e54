package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.cluster.fence.FencedBroker;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real brokers that a node replaced: a fenced one refuses to start again (Artemis restarting it by itself after a
 * failback), and any replaced broker found running again is stopped, so that it never serves beside its successor.
 */
class RetiredBrokersTest {
    @TempDir
    Path dir;

    private ConfigurationImpl config(String name, int port) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setBrokerInstance(dir.resolve(name).toFile());
        config.setName(name).setSecurityEnabled(false).setPersistenceEnabled(true)
                .addAcceptorConfiguration("main", "tcp://127.0.0.1:" + port);
        return config;
    }

    @Test
    void aReplacedBrokerRunningAgainIsStopped() throws Exception {
        int port = FreePorts.next();
        EmbeddedActiveMQ old = new EmbeddedActiveMQ().setConfiguration(config("revived", port));
        old.start();
        RetiredBrokers retired = new RetiredBrokers(Duration.ofMinutes(1));
        retired.retire(old);
        // Artemis started it again after the node had replaced it: it runs, unseen by the node's slot
        List<String> found = retired.stopRevived("g1 backup");
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("g1 backup broker replaced") && found.get(0).contains("STARTED"), found.get(0));
        Waits.until(Duration.ofSeconds(30), "the replaced broker to stop",
                () -> old.getActiveMQServer().getState() == ActiveMQServer.SERVER_STATE.STOPPED
                        && BrokerLeftovers.running(old.getActiveMQServer()).isEmpty());
        assertRefused(port);
        assertEquals(List.of(), retired.stopRevived("g1 backup"), "a replaced broker that stays stopped is left alone");
        assertEquals(1, retired.watched(), "still watched within the minute");
    }

    @Test
    void aRetiredFencedBrokerRefusesToStartAgain() throws Exception {
        int port = FreePorts.next();
        FencedBroker broker = new FencedBroker();
        broker.setConfiguration(config("fenced", port));
        broker.start();
        broker.stop();
        new RetiredBrokers(Duration.ofSeconds(1)).retire(broker);
        Exception refused = assertThrows(Exception.class, () -> broker.getActiveMQServer().start());
        assertTrue(refused.getMessage().contains("replaced by a new instance"), refused.getMessage());
        assertEquals(ActiveMQServer.SERVER_STATE.STOPPED, broker.getActiveMQServer().getState());
        assertRefused(port);
    }

    private static void assertRefused(int port) {
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
        }, "nothing listens on the replaced broker's port");
    }
}
