package io.junction.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junction.config.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Problems a node can only find on this machine stop it before anything starts, with the key at fault. */
class NodeStartupValidationTest {
    @TempDir
    Path dir;

    @Test
    void portInUseNamesTheKeyAndPort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> settings = new HashMap<>(RunningNode.freePortSettings(dir.resolve("data")));
            settings.put("acceptor.mqtt.port", String.valueOf(taken.getLocalPort()));
            ConfigException e = assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(settings, "node.properties")));
            assertEquals("acceptor.mqtt.port", e.key());
            assertEquals("Invalid value " + taken.getLocalPort() + " for configuration acceptor.mqtt.port in node.properties: port "
                    + taken.getLocalPort() + " on 127.0.0.1 is in use or cannot be bound (Address already in use)", e.getMessage());
        }
    }

    @Test
    void twoAcceptorsOnOnePortAreRefused() {
        Map<String, String> settings = new HashMap<>(RunningNode.freePortSettings(dir.resolve("data")));
        settings.put("acceptor.stomp.port", settings.get("acceptor.amqp.port"));
        ConfigException e = assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(settings, "n.properties")));
        assertEquals("acceptor.stomp.port", e.key());
        assertEquals(true, e.getMessage().endsWith("is also used by acceptor.amqp.port"), e.getMessage());
    }

    @Test
    void unwritableDataDirectoryIsReported() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Map<String, String> settings = new HashMap<>(RunningNode.freePortSettings(file.resolve("data")));
        ConfigException e = assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(settings, "n.properties")));
        assertEquals("data.dir", e.key());
        assertEquals(true, e.getMessage().startsWith("Invalid value " + file.resolve("data") + " for configuration data.dir in n.properties: directory "),
                e.getMessage());
    }

    @Test
    void aDataDirectoryHeldByARunningNodeIsRefusedInsteadOfWaitingForItsLock() throws Exception {
        try (RunningNode running = RunningNode.start(dir.resolve("data"))) {
            Map<String, String> second = new HashMap<>(RunningNode.freePortSettings(dir.resolve("data")));
            ConfigException e = assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(second, "n2.properties")));
            assertEquals("data.dir", e.key());
            assertEquals(true, e.getMessage().contains("is in use by another node"), e.getMessage());
        }
    }

    @Test
    void aClusteredConfigurationIsRefusedBySingleNodeStartRatherThanIgnored() {
        Map<String, String> settings = new HashMap<>(RunningNode.freePortSettings(dir.resolve("data")));
        settings.put("cluster.node-id", "1");
        ConfigException e = assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(settings, "n.properties")));
        assertEquals("cluster.node-id", e.key());
    }

    @Test
    void memoryAboveTheHeapIsRefused() {
        Map<String, String> settings = new HashMap<>(RunningNode.freePortSettings(dir.resolve("data")));
        settings.put("memory.global-max-size", "64GiB");
        ConfigException e = assertThrows(ConfigException.class, () -> JunctionNode.create(NodeConfig.parse(settings, "n.properties")));
        assertEquals("memory.global-max-size", e.key());
    }

    @Test
    void etcNodePropertiesIsTheGeneratedTemplate() throws IOException {
        Path etc = Path.of("..", "etc", "node.properties");
        assertEquals(NodeConfig.template(), Files.readString(etc),
                "etc/node.properties is out of step with NodeConfig: regenerate it with `bin/junction node config-template > etc/node.properties`");
        NodeConfig.load(etc);
    }
}
