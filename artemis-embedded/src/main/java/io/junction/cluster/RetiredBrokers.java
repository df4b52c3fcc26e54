package io.junction.cluster;

import io.junction.cluster.fence.FencedBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brokers a node replaced by new instances, kept in sight until they have stayed stopped for a while. Artemis
 * starts a broker again by itself (a primary that hands its group back to the returning primary stops and restarts
 * as a backup), in a thread of its own and after a stop that may take many seconds. When the node has meanwhile
 * replaced that broker (it had been stopped longer than the node waits), the old instance comes back unseen beside
 * the new one on the same journal (a 30-minute chaos run: it copied from the group's primary, took the group over
 * when that primary's node was killed, and the new instance then copied from it in the same process, while the
 * returning primary waited for ever; the group never healed). A retired {@link FencedBroker} refuses to start
 * again; any retired broker seen running is stopped.
 */
final class RetiredBrokers {
    private static final Logger LOG = LoggerFactory.getLogger(RetiredBrokers.class);

    /** A replaced broker, when it was replaced, and whether a stop of it is under way. */
    private record Retired(EmbeddedActiveMQ broker, long at, AtomicBoolean stopping) {
    }

    private final Duration watched;
    private final List<Retired> retired = new CopyOnWriteArrayList<>();

    /** Watches each retired broker for {@code watched} after it was retired. */
    RetiredBrokers(Duration watched) {
        this.watched = watched;
    }

    /** {@code broker} has been replaced: it must never serve again. */
    void retire(EmbeddedActiveMQ broker) {
        if (broker instanceof FencedBroker fenced) {
            fenced.retire();
        }
        retired.add(new Retired(broker, System.nanoTime(), new AtomicBoolean()));
    }

    /**
     * Stops, each in a thread of its own, the retired brokers that run again or still have parts running, and forgets
     * those watched long enough; returns what it found running, one line per broker (for the log).
     */
    List<String> stopRevived(String slot) {
        List<String> found = new ArrayList<>();
        long now = System.nanoTime();
        for (Retired r : retired) {
            ActiveMQServer server = r.broker().getActiveMQServer();
            if (server == null) {
                retired.remove(r);
                continue;
            }
            boolean revived = server.getState() != ActiveMQServer.SERVER_STATE.STOPPED;
            List<String> parts = BrokerLeftovers.running(server);
            if ((revived || !parts.isEmpty()) && r.stopping().compareAndSet(false, true)) {
                found.add(slot + " broker replaced " + (now - r.at()) / 1_000_000 + " ms ago is " + server.getState()
                        + (parts.isEmpty() ? "" : " with its " + String.join(", ", parts) + " running"));
                Thread stopper = new Thread(() -> {
                    try {
                        server.stop();
                        BrokerLeftovers.stop(server);
                    } catch (Exception e) {
                        LOG.error("stopping a replaced {} broker failed: {}", slot, e.toString());
                    } finally {
                        r.stopping().set(false);
                    }
                }, "junction-stop-replaced-" + slot.replace(' ', '-'));
                stopper.setDaemon(true);
                stopper.start();
            } else if (!revived && parts.isEmpty() && now - r.at() > watched.toNanos()) {
                retired.remove(r);
            }
        }
        return found;
    }

    /** How many replaced brokers are still watched. */
    int watched() {
        return retired.size();
    }
}
