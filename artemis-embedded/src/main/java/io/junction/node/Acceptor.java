package io.junction.node;

import io.junction.config.Config;
import io.junction.config.ConfigKey;
import java.util.Locale;

/** The acceptors a node can open, each with its port key and the protocols it speaks. */
public enum Acceptor {
    MAIN("CORE,AMQP,MQTT,STOMP"),
    AMQP("AMQP"),
    MQTT("MQTT"),
    STOMP("STOMP");

    private final String protocols;

    Acceptor(String protocols) {
        this.protocols = protocols;
    }

    /** The name used in the {@code acceptors} key and as the Artemis acceptor name. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public ConfigKey<Integer> portKey() {
        return switch (this) {
            case MAIN -> NodeConfig.MAIN_PORT;
            case AMQP -> NodeConfig.AMQP_PORT;
            case MQTT -> NodeConfig.MQTT_PORT;
            case STOMP -> NodeConfig.STOMP_PORT;
        };
    }

    public String protocols() {
        return protocols;
    }

    static Acceptor named(String configName) {
        return valueOf(configName.toUpperCase(Locale.ROOT));
    }

    /** The Artemis acceptor URI for this acceptor under {@code config}. */
    String uri(Config config) {
        return "tcp://" + UrlHosts.listen(config.get(NodeConfig.BIND_ADDRESS)) + ":" + config.get(portKey()) + "?protocols=" + protocols
                + Tls.acceptorParameters(config);
    }
}
