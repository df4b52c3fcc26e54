package io.junction.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UrlHostsTest {
    @Test
    void ipv6LiteralsAreBracketedAndWildcardsBecomeLoopbackForClients() {
        assertEquals("127.0.0.1", UrlHosts.listen("127.0.0.1"));
        assertEquals("[::1]", UrlHosts.listen("::1"));
        assertEquals("[::1]", UrlHosts.connect("::1"));
        assertEquals("127.0.0.1", UrlHosts.connect("0.0.0.0"));
        assertEquals("127.0.0.1", UrlHosts.connect("::"));
        assertEquals("127.0.0.1", UrlHosts.connect("0:0:0:0:0:0:0:0"));
        assertEquals("broker.example", UrlHosts.connect("broker.example"));
    }
}
