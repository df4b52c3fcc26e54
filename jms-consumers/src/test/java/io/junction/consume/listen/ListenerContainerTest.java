package io.junction.consume.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.node.NodeExtension;
import io.junction.testing.Waits;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CDI listener beans run by the portable extension against a real node: every event reaches the listener once, two
 * loops of one bean share its subscription, a selector narrows what the broker delivers, a message whose handler
 * throws is delivered again and then lands in the tenant's dead-letter queue, and what was published while no
 * listener ran is received when one starts (the subscription is durable).
 */
class ListenerContainerTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "listener-pass-1";

    @BeforeAll
    static void tenant() throws Exception {
        try (Credentials.Open open = admin().connect(); ManagementClient m = new ManagementClient(open.connection(), Duration.ofSeconds(10))) {
            // four deliveries: the poison message's redeliveries come after 1, 2 and 4 s
            m.text(ManagementClient.DIRECTORY, "createTenant", "acme", "Acme", "max-deliveries=4");
            m.text(ManagementClient.DIRECTORY, "addUser", "acme-app", "acme", "producer", PASSWORD);
            m.text(ManagementClient.DIRECTORY, "addUser", "acme-events", "acme", "consumer", PASSWORD);
        }
    }

    private static Credentials admin() {
        return NODE.node().admin().at(NODE.node().coreUrl());
    }

    private static ListenerSettings settings() {
        return new ListenerSettings(new Credentials(NODE.node().coreUrl(), "acme-events", PASSWORD), "acme", Duration.ofSeconds(5));
    }

    private static void publish(String text, String severity) throws Exception {
        try (BusConnection bus = BusConnection.open(new Credentials(NODE.node().coreUrl(), "acme-app", PASSWORD), Duration.ofSeconds(5))) {
            TextMessage m = bus.session().createTextMessage(text);
            m.setStringProperty("severity", severity);
            new ReliableSender(bus, bus.session().createTopic("tenant.acme.events"), Duration.ofSeconds(30)).send(m);
        }
    }

    @Test
    void listenerBeansReceiveEveryEventOnceAndAPoisonOneEndsInTheDeadLetters() throws Exception {
        try (ListenerContainer container = ListenerContainer.start(settings(), RecordingListener.class, CriticalListener.class)) {
            assertEquals(Set.of(RecordingListener.class, CriticalListener.class), Set.copyOf(container.extension().listeners()));
            assertEquals(3, container.extension().loops().size(), "the recorder's two loops and the critical one");
            RecordingListener recorder = container.bean(RecordingListener.class);
            CriticalListener critical = container.bean(CriticalListener.class);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String text = "event-" + i;
                publish(text, i % 10 == 0 ? "critical" : "minor");
                sent.add(text);
            }
            publish("poison-1", "minor");
            Waits.until(Duration.ofSeconds(30), "every event received", () -> recorder.received().size() >= sent.size());
            Waits.until(Duration.ofSeconds(30), "the critical events", () -> critical.received().size() >= 4);
            Thread.sleep(500);
            assertEquals(new TreeSet<>(sent), new TreeSet<>(recorder.received()), "each once");
            assertEquals(sent.size(), recorder.received().size(), "none twice");
            assertEquals(List.of("event-0", "event-10", "event-20", "event-30"), List.copyOf(new TreeSet<>(critical.received())),
                    "the selector let the critical ones through alone");
            Message dead = receive("tenant.acme.dlq", Duration.ofSeconds(30));
            assertEquals("poison-1", ((TextMessage) dead).getText(), "the poison message is in the tenant's dead letters");
            String reason = dead.getStringProperty("junction_dead_reason");
            assertTrue(reason != null && reason.startsWith("not acknowledged after 4 deliveries from tenant.acme.events.recorder"), "its reason: " + reason);
            assertTrue(dead.getStringProperty("junction_dead_at") != null);
            List<Long> tries = recorder.failedAt();
            assertEquals(4, tries.size(), "delivered the tenant's max-deliveries times: " + tries);
            for (int i = 1; i < tries.size(); i++) {
                long gap = tries.get(i) - tries.get(i - 1);
                long backOff = 1_000L << (i - 1);
                assertTrue(gap >= backOff - 100, "redelivery " + i + " came after " + gap + " ms, before its back-off of " + backOff + " ms: " + tries);
            }
            assertTrue(recorder.received().stream().noneMatch(t -> t.startsWith("poison")));
        }
        // published while no listener runs: kept by the durable subscription for the next start
        publish("while-stopped", "minor");
        try (ListenerContainer container = ListenerContainer.start(settings(), RecordingListener.class)) {
            RecordingListener recorder = container.bean(RecordingListener.class);
            Waits.until(Duration.ofSeconds(30), "the event published while stopped", () -> recorder.received().contains("while-stopped"));
        }
    }

    private static Message receive(String queue, Duration wait) throws Exception {
        return io.junction.consume.TestBus.receive(admin(), queue, wait);
    }
}
