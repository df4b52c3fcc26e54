package io.junction.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One node for a whole test class, on free ports and fresh data:
 * {@code @RegisterExtension static final NodeExtension NODE = new NodeExtension();}
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private RunningNode node;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("junction-node-");
        node = RunningNode.start(dir.resolve("data"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            node.close();
        } finally {
            deleteTree(dir);
        }
    }

    public RunningNode node() {
        return node;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
