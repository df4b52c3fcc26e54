package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junction.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker whose state says STOPPED while its parts run on, as Artemis's stop-activation race leaves them: they
 * are seen and stopped, its port is free again, and a new instance starts on its journal.
 */
class BrokerLeftoversTest {
    @TempDir
    Path dir;

    @Test
    void whatRunsOfABrokerReportedStoppedIsSeenAndStopped() throws Exception {
        int port = FreePorts.next();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setBrokerInstance(dir.toFile());
        config.setName("leftovers").setSecurityEnabled(false).setPersistenceEnabled(true)
                .addAcceptorConfiguration("main", "tcp://127.0.0.1:" + port);
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ().setConfiguration(config);
        embedded.start();
        ActiveMQServer server = embedded.getActiveMQServer();
        assertEquals(List.of("acceptors", "cluster connections", "journal"), BrokerLeftovers.running(server));
        // what the race leaves: the state says STOPPED, everything else runs on
        ((ActiveMQServerImpl) server).setState(ActiveMQServer.SERVER_STATE.STOPPED);
        new Socket("127.0.0.1", port).close();
        assertEquals(List.of("acceptors", "cluster connections", "journal"), BrokerLeftovers.stop(server));
        assertEquals(List.of(), BrokerLeftovers.running(server), "nothing runs any more");
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
        }, "the leftover acceptor no longer listens");

        EmbeddedActiveMQ again = new EmbeddedActiveMQ().setConfiguration(config);
        again.start();
        assertEquals(List.of("acceptors", "cluster connections", "journal"), BrokerLeftovers.running(again.getActiveMQServer()),
                "a new instance starts on the same journal and port");
        again.stop();
        assertEquals(List.of(), BrokerLeftovers.running(again.getActiveMQServer()), "a broker that really stopped leaves nothing");
    }
}
