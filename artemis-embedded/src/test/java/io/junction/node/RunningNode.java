package io.junction.node;

import io.junction.client.Credentials;
import io.junction.testing.FreePorts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A node started in this JVM on free loopback ports, with its admin credentials; for tests. */
public final class RunningNode implements AutoCloseable {
    private final Map<String, String> settings;
    private JunctionNode node;
    private final Credentials admin;

    private RunningNode(Map<String, String> settings) throws Exception {
        this.settings = settings;
        this.node = JunctionNode.create(NodeConfig.defaults(settings)).start();
        this.admin = Credentials.read(node.credentialsFile());
    }

    /** Settings for a node under {@code dataDir} whose every acceptor listens on a free loopback port. */
    public static Map<String, String> freePortSettings(Path dataDir) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(NodeConfig.DATA_DIR.name(), dataDir.toString());
        for (Acceptor a : Acceptor.values()) {
            s.put(a.portKey().name(), String.valueOf(FreePorts.next()));
        }
        return s;
    }

    public static RunningNode start(Path dataDir) throws Exception {
        return new RunningNode(freePortSettings(dataDir));
    }

    /** A node with these settings (start from {@link #freePortSettings}). */
    public static RunningNode start(Map<String, String> settings) throws Exception {
        return new RunningNode(settings);
    }

    /** Stops the broker and starts it again on the same data and ports. */
    public RunningNode restart() throws Exception {
        node.close();
        node = JunctionNode.create(NodeConfig.defaults(settings)).start();
        return this;
    }

    public JunctionNode node() {
        return node;
    }

    public Credentials admin() {
        return admin;
    }

    public Map<String, String> settings() {
        return settings;
    }

    public int port(Acceptor acceptor) {
        return Integer.parseInt(settings.get(acceptor.portKey().name()));
    }

    public String coreUrl() {
        return "tcp://127.0.0.1:" + port(Acceptor.MAIN);
    }

    public String amqpUrl() {
        return "amqp://127.0.0.1:" + port(Acceptor.AMQP);
    }

    public String mqttUrl() {
        return "tcp://127.0.0.1:" + port(Acceptor.MQTT);
    }

    @Override
    public void close() throws Exception {
        node.close();
    }
}
