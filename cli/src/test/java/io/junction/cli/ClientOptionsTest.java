package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the CLI takes URLs apart: one broker of a cluster URL keeps its TLS settings, and quick-fail defaults fill gaps. */
class ClientOptionsTest {
    @Test
    void eachBrokerOfAClusterUrlKeepsItsTlsParametersButNotTheClusterOnes() {
        String cluster = "(tcp://a:1?name=junction-a-1,tcp://b:2?name=junction-b-2&verifyHost=false)?ha=true&reconnectAttempts=-1"
                + "&useTopologyForLoadBalancing=false&sslEnabled=true&trustStorePath=/t.p12";
        assertEquals(List.of("tcp://a:1?sslEnabled=true&trustStorePath=/t.p12", "tcp://b:2?sslEnabled=true&trustStorePath=/t.p12&verifyHost=false"),
                ClientOptions.brokers(cluster));
        assertEquals(List.of("tcp://a:1?sslEnabled=true"), ClientOptions.brokers("tcp://a:1?sslEnabled=true"));
        assertEquals(List.of("tcp://a:1"), ClientOptions.brokers("tcp://a:1"));
    }

    @Test
    void quickFailDefaultsAreAddedUnlessTheUrlSetsThem() {
        assertEquals("tcp://a:1?reconnectAttempts=0&initialConnectAttempts=1&callTimeout=15000", ClientOptions.clientUrl("tcp://a:1"));
        assertEquals("tcp://a:1?sslEnabled=true&reconnectAttempts=0&initialConnectAttempts=1&callTimeout=15000",
                ClientOptions.clientUrl("tcp://a:1?sslEnabled=true"));
        assertEquals("(tcp://a:1?name=x,tcp://b:2?name=y)?ha=true&reconnectAttempts=-1&callTimeout=30000&initialConnectAttempts=1",
                ClientOptions.clientUrl("(tcp://a:1?name=x,tcp://b:2?name=y)?ha=true&reconnectAttempts=-1&callTimeout=30000"));
        assertEquals("(tcp://a:1?name=x,tcp://b:2)?reconnectAttempts=0&initialConnectAttempts=1&callTimeout=15000",
                ClientOptions.clientUrl("(tcp://a:1?name=x,tcp://b:2)"));
    }
}
