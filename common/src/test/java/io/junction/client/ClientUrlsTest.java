package io.junction.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    void aUrlOpenedAnewTriesTheLostBrokersBackupFirstAndTheLostBrokerLast() {
        String url = ClientUrls.cluster(List.of("tcp://h:1", "tcp://h:2", "tcp://h:3", "tcp://h:4"));
        String policy = "connectionLoadBalancingPolicyClassName=" + InOrderPolicy.class.getName();
        assertEquals("(tcp://h:2,tcp://h:3,tcp://h:4,tcp://h:1)?" + ClientUrls.HA_PARAMETERS + "&" + policy,
                ClientUrls.preferring(url, "h:2", "h:1"));
        assertEquals("(tcp://h:1,tcp://h:3,tcp://h:4,tcp://h:2)?" + ClientUrls.HA_PARAMETERS + "&" + policy,
                ClientUrls.preferring(url, null, "h:2"), "no backup known: the others in their order, the lost one last");
        assertEquals("(tcp://h:2?name=b,tcp://h:1?name=a)?ha=true&" + policy,
                ClientUrls.preferring("(tcp://h:1?name=a,tcp://h:2?name=b)?ha=true&" + policy, "h:2", "h:1"),
                "each broker keeps its own parameters, and the policy is not named twice");
        assertEquals("tcp://h:1?ha=true", ClientUrls.preferring("tcp://h:1?ha=true", "h:2", "h:1"), "one broker: nothing to reorder");
    }

    @Test
    void aUrlToTheBackupAloneKeepsItsParametersAndTheUrls() {
        assertEquals("(tcp://h:2?name=b)?ha=true&sslEnabled=true",
                ClientUrls.only("(tcp://h:1?name=a,tcp://h:2?name=b)?ha=true&sslEnabled=true", "h:2"));
        assertNull(ClientUrls.only("(tcp://h:1,tcp://h:2)?ha=true", "h:3"), "a backup the URL does not list");
        assertNull(ClientUrls.only("tcp://h:1?ha=true", "h:1"), "one broker");
        assertNull(ClientUrls.only("(tcp://h:1,tcp://h:2)?ha=true", (String) null), "no backup known");
        assertEquals("(tcp://h:2?name=b,tcp://h:1?name=a)?ha=true", ClientUrls.only("(tcp://h:1?name=a,tcp://h:3,tcp://h:2?name=b)?ha=true", "h:2", null, "h:1"),
                "a group's two brokers, the backup first");
    }

    @Test
    void theInOrderPolicyStartsFromTheFirstBrokerAndGoesRound() {
        InOrderPolicy policy = new InOrderPolicy();
        assertEquals(List.of(0, 1, 2, 0), List.of(policy.select(3), policy.select(3), policy.select(3), policy.select(3)));
    }

    @Test
    void redactedHidesEveryPassword() {
        assertEquals("(tcp://a:1?keyStorePassword=***,tcp://b:2)?trustStorePassword=***&sslEnabled=true",
                ClientUrls.redacted("(tcp://a:1?keyStorePassword=k1,tcp://b:2)?trustStorePassword=t&sslEnabled=true"));
    }

    @Test
    void eachBrokerOfAClusterUrlKeepsItsTlsParametersButNotTheClusterOnes() {
        String cluster = "(tcp://a:1?name=junction-a-1,tcp://b:2?name=junction-b-2&verifyHost=false)?ha=true&reconnectAttempts=-1"
                + "&useTopologyForLoadBalancing=false&sslEnabled=true&trustStorePath=/t.p12";
        assertEquals(List.of("tcp://a:1?sslEnabled=true&trustStorePath=/t.p12", "tcp://b:2?sslEnabled=true&trustStorePath=/t.p12&verifyHost=false"),
                ClientUrls.brokers(cluster));
        assertEquals(List.of("tcp://a:1?sslEnabled=true"), ClientUrls.brokers("tcp://a:1?sslEnabled=true"));
        assertEquals(List.of("tcp://a:1"), ClientUrls.brokers("tcp://a:1"));
    }

    @Test
    void quickFailDefaultsAreAddedUnlessTheUrlSetsThem() {
        assertEquals("tcp://a:1?reconnectAttempts=0&initialConnectAttempts=1&callTimeout=15000", ClientUrls.quick("tcp://a:1"));
        assertEquals("tcp://a:1?sslEnabled=true&reconnectAttempts=0&initialConnectAttempts=1&callTimeout=15000",
                ClientUrls.quick("tcp://a:1?sslEnabled=true"));
        assertEquals("(tcp://a:1?name=x,tcp://b:2?name=y)?ha=true&reconnectAttempts=-1&callTimeout=30000&initialConnectAttempts=1",
                ClientUrls.quick("(tcp://a:1?name=x,tcp://b:2?name=y)?ha=true&reconnectAttempts=-1&callTimeout=30000"));
        assertEquals("(tcp://a:1?name=x,tcp://b:2)?reconnectAttempts=0&initialConnectAttempts=1&callTimeout=15000",
                ClientUrls.quick("(tcp://a:1?name=x,tcp://b:2)"));
    }

    @Test
    void aTrustStoreTurnsTlsOnForEveryBroker() {
        assertEquals("tcp://a:1?sslEnabled=true&trustStorePath=/t.p12&trustStorePassword=pw", ClientUrls.withTrustStore("tcp://a:1", "/t.p12", "pw"));
        assertEquals("(tcp://a:1?name=x,tcp://b:2)?ha=true&sslEnabled=true&trustStorePath=/t.p12",
                ClientUrls.withTrustStore("(tcp://a:1?name=x,tcp://b:2)?ha=true", "/t.p12", ""));
        assertEquals("(tcp://a:1?name=x,tcp://b:2)?sslEnabled=true&trustStorePath=/t.p12", ClientUrls.withTrustStore("(tcp://a:1?name=x,tcp://b:2)", "/t.p12", null));
        assertEquals(List.of("tcp://a:1?sslEnabled=true&trustStorePath=/t.p12"), ClientUrls.brokers(ClientUrls.withTrustStore(ClientUrls.cluster(List.of("tcp://a:1")), "/t.p12", null)));
    }
}
