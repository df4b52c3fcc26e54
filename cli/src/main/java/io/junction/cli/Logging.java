package io.junction.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/** Log4j's own shutdown hook is off (see log4j2.properties) so that the node's last lines are still logged. */
final class Logging {
    private Logging() {
    }

    static void shutdown() {
        LogManager.shutdown();
    }

    /**
     * Commands that probe brokers expect some to refuse or time out (a passive backup does not listen); the Artemis
     * client's warnings about that would only be noise next to the command's own report.
     */
    static void quietClients() {
        Configurator.setLevel("org.apache.activemq.artemis.core.client", Level.ERROR);
    }
}
