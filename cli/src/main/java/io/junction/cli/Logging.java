package io.junction.cli;

import org.apache.logging.log4j.LogManager;

/** Log4j's own shutdown hook is off (see log4j2.properties) so that the node's last lines are still logged. */
final class Logging {
    private Logging() {
    }

    static void shutdown() {
        LogManager.shutdown();
    }
}
