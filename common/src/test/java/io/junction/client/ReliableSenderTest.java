package io.junction.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import org.junit.jupiter.api.Test;

/** Which failures of a send {@link ReliableSender} retries. */
class ReliableSenderTest {
    @Test
    void artemisFailingOverMidSendIsRetriedLikeALostConnection() {
        // what Artemis's client throws from send() and receive() while its connection fails over
        IllegalStateException failingOver = new IllegalStateException("AMQ219061: Cannot send a packet while channel is failing over.");
        JMSException e = ReliableSender.asJms(failingOver);
        assertSame(failingOver, e.getCause());
        assertSame(failingOver, e.getLinkedException());
        assertTrue(e.getMessage().contains("AMQ219061"), e.getMessage());
        assertTrue(ReliableSender.retriable(e), "a send cut short by a failover is retried");
    }

    @Test
    void aRefusalStaysARefusal() {
        JMSException refused = new JMSSecurityException("AMQ229032: User: app does not have permission='SEND'");
        assertSame(refused, ReliableSender.asJms(refused));
        assertFalse(ReliableSender.retriable(refused));
        assertFalse(ReliableSender.retriable(new InvalidDestinationException("no such queue")));
        assertTrue(ReliableSender.retriable(new JMSException("AMQ219014: Timed out after waiting 5000 ms")));
    }
}
