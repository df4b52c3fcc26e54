package io.junction.cluster;

import java.time.Duration;
import java.util.Optional;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line whenever a broker changes state (active, passive, in sync, peer lost), and warns once when an
 * active broker has served without a backup in sync for {@link #UNPROTECTED_GRACE}.
 */
final class BrokerStateLog {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final Duration UNPROTECTED_GRACE = Duration.ofSeconds(10);
    private final int node;
    private final String name;
    private String last = "stopped";
    private long unprotectedSince;
    private boolean warned;

    BrokerStateLog(int node, String name) {
        this.node = node;
        this.name = name;
    }

    void observe(Optional<ActiveMQServer> server) {
        String now = describe(server.orElse(null));
        if (!now.equals(last)) {
            unprotectedSince = System.nanoTime();
            warned = false;
            if (last.equals("active, replicated") && now.equals("active, UNPROTECTED")) {
                LOG.warn("Node {}: {} broker lost its backup; group {} now has one copy (UNPROTECTED)", node, name, group());
                warned = true;
            } else if (last.equals("passive, in sync") && !now.startsWith("active")) {
                LOG.warn("Node {}: {} broker lost its active peer and is now {}", node, name, now);
            } else {
                LOG.info("Node {}: {} broker is now {}", node, name, now);
            }
            last = now;
        }
        if (now.equals("active, UNPROTECTED") && !warned && System.nanoTime() - unprotectedSince > UNPROTECTED_GRACE.toNanos()) {
            LOG.warn("Node {}: group {} runs on one copy (UNPROTECTED) until its backup is back in sync", node, group());
            warned = true;
        }
    }

    private String group() {
        return name.substring(0, name.indexOf(' '));
    }

    /** What one broker is doing, in the words {@code junction cluster status} uses. */
    static String describe(ActiveMQServer server) {
        if (server == null || server.getState() != ActiveMQServer.SERVER_STATE.STARTED && !server.isStarted()) {
            return "stopped";
        }
        if (server.isActive()) {
            return server.isReplicaSync() ? "active, replicated" : "active, UNPROTECTED";
        }
        return server.isReplicaSync() ? "passive, in sync" : "passive, not in sync";
    }
}
