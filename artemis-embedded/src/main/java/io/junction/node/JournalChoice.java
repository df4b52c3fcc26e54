package io.junction.node;

import io.junction.config.Config;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.nativo.jlibaio.LibaioContext;

/** Which journal a node runs, and why: AIO where libaio and direct I/O work, NIO otherwise. */
public record JournalChoice(JournalType type, String reason) {

    public static JournalChoice resolve(Config config, Path journalDir) {
        String wanted = config.get(NodeConfig.JOURNAL_TYPE);
        if (wanted.equals("nio")) {
            return new JournalChoice(JournalType.NIO, "configured");
        }
        String missing = null;
        if (!LibaioContext.isLoaded()) {
            missing = "libaio is not available (install libaio1, or libaio1t64 on newer systems, and start through bin/junction, which sets java.library.path)";
        } else if (!AIOSequentialFileFactory.isSupported(journalDir.toFile())) {
            missing = "the data directory " + journalDir + " does not support direct I/O";
        }
        if (missing == null) {
            return new JournalChoice(JournalType.ASYNCIO, wanted.equals("aio") ? "configured" : "libaio available");
        }
        if (wanted.equals("aio")) {
            throw config.invalid(NodeConfig.JOURNAL_TYPE, missing);
        }
        return new JournalChoice(JournalType.NIO, missing);
    }

    public String describe() {
        return (type == JournalType.ASYNCIO ? "AIO" : "NIO") + " (" + reason + ")";
    }
}
