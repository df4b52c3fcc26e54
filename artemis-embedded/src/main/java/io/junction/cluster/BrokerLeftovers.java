package io.junction.cluster;

import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.impl.Activation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What still runs of a broker that Artemis reports stopped. Artemis's stop and its activation race: a backup stopped
 * for a failed registration while it was becoming active went on to open its acceptors and journal after its state
 * said STOPPED (a 30-minute chaos run: it served its group, unseen, while its node started a second instance on the
 * same journal, which then copied from it; the group never healed). A new instance must never start beside such
 * leftovers.
 */
final class BrokerLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLeftovers.class);

    private BrokerLeftovers() {
    }

    /** The parts of {@code server} that still run, by name; empty for a broker that really stopped. */
    static List<String> running(ActiveMQServer server) {
        List<String> parts = new ArrayList<>();
        if (server.getRemotingService() != null && server.getRemotingService().isStarted()) {
            parts.add("acceptors");
        }
        add(parts, "cluster connections", server.getClusterManager());
        add(parts, "journal", server.getStorageManager());
        return parts;
    }

    /**
     * Stops what still runs of {@code server}: its acceptors and their connections, its cluster connections, its
     * activation (which lets go of the group's lock) and its journal; returns what was running.
     */
    static List<String> stop(ActiveMQServer server) {
        List<String> parts = running(server);
        if (parts.isEmpty()) {
            return parts;
        }
        quietly("acceptors", () -> server.getRemotingService().stop(false));
        quietly("cluster connections", () -> server.getClusterManager().stop());
        Activation activation = server.getActivation();
        if (activation != null) {
            quietly("activation", () -> activation.close(false, false));
        }
        quietly("journal", () -> server.getStorageManager().stop());
        return parts;
    }

    private static void add(List<String> parts, String name, ActiveMQComponent component) {
        if (component != null && component.isStarted()) {
            parts.add(name);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("stopping the leftover {}: {}", what, e.toString());
        }
    }
}
