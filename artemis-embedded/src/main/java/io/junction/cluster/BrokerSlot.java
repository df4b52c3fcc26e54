package io.junction.cluster;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/** One of the node's two brokers: how to build it, the instance now running, and what its watchdog has seen of it. */
record BrokerSlot(String name, Path dir, Callable<EmbeddedActiveMQ> factory, AtomicReference<EmbeddedActiveMQ> current,
                  AtomicLong stoppedSince, AtomicLong lostPeerSince, AtomicBoolean inSyncSeen, AtomicLong unchangedSince,
                  AtomicLong dataFingerprint, AtomicBoolean fenceWarned) {
    /** A slot holding {@code first}, nothing seen yet. */
    static BrokerSlot of(String name, Path dir, Callable<EmbeddedActiveMQ> factory, EmbeddedActiveMQ first) {
        return new BrokerSlot(name, dir, factory, new AtomicReference<>(first), new AtomicLong(), new AtomicLong(), new AtomicBoolean(),
                new AtomicLong(), new AtomicLong(), new AtomicBoolean());
    }

    Optional<ActiveMQServer> server() {
        return Optional.ofNullable(current.get().getActiveMQServer());
    }
}
