package io.junction.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientUrlsTest {
    @Test
    void aClusterUrlNamesEachBrokerAsItNamesItselfInTheTopology() {
        assertEquals("(tcp://a:1,tcp://b:2)?" + ClientUrls.HA_PARAMETERS, ClientUrls.cluster(List.of("tcp://a:1", "tcp://b:2")));
        String url = ClientUrls.namedCluster(List.of("tcp://127.0.0.1:61616", "tcp://broker-2.example.net:61617"));
        assertTrue(url.startsWith("(tcp://127.0.0.1:61616?name=junction-127-0-0-1-61616,tcp://broker-2.example.net:61617?name="
                + "junction-broker-2-example-net-61617)?ha=true&"), url);
        assertTrue(url.contains("useTopologyForLoadBalancing=false"), url);
        assertEquals("junction-127-0-0-1-61616", ClientUrls.connectorName("tcp://127.0.0.1:61616?sslEnabled=true"));
        assertThrows(IllegalArgumentException.class, () -> ClientUrls.connectorName("tcp://no-port"));
    }

    @Test
    void redactedHidesEveryPassword() {
        assertEquals("(tcp://a:1?keyStorePassword=***,tcp://b:2)?trustStorePassword=***&sslEnabled=true",
                ClientUrls.redacted("(tcp://a:1?keyStorePassword=k1,tcp://b:2)?trustStorePassword=t&sslEnabled=true"));
    }
}
