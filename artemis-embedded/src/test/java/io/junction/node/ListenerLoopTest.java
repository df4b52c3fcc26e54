package io.junction.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.ListenerLoop;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client library's transacted listener loop against a real node. */
class ListenerLoopTest {
    @TempDir
    Path dir;

    @Test
    void aMessageIsCommittedOnlyAfterItsHandlerReturnedAndComesAgainWhenTheHandlerThrows() throws Exception {
        try (RunningNode running = RunningNode.start(dir.resolve("data"))) {
            send(running, "loop.q", 20);
            List<String> handled = new CopyOnWriteArrayList<>();
            List<String> redelivered = new CopyOnWriteArrayList<>();
            boolean[] failedOnce = {false};
            try (ListenerLoop loop = ListenerLoop.start(running.coreUrl(), running.admin().user(), running.admin().password(),
                    Duration.ofSeconds(5), s -> s.createConsumer(s.createQueue("loop.q")), m -> {
                        String body = ((TextMessage) m).getText();
                        if (body.equals("m7") && !failedOnce[0]) {
                            failedOnce[0] = true;
                            throw new IllegalStateException("the handler fails on m7 once");
                        }
                        if (m.getJMSRedelivered()) {
                            redelivered.add(body);
                        }
                        handled.add(body);
                    }, "test-listener")) {
                Waits.until(Duration.ofSeconds(30), "20 messages handled", () -> handled.size() >= 20);
                Waits.until(Duration.ofSeconds(10), "20 commits", () -> loop.committed() == 20);
                assertEquals(1, loop.rolledBack(), "the one failed handler call rolled back");
            }
            assertEquals(20, handled.size(), "each message handled once to completion: " + handled);
            assertEquals(20, handled.stream().distinct().count());
            assertEquals(List.of("m7"), redelivered, "the rolled-back message came again, flagged as redelivered");
            assertNull(receive(running, "loop.q"), "nothing left: every handled message was committed");
        }
    }

    @Test
    void stoppingLetsTheMessageInHandFinishAndCommits() throws Exception {
        try (RunningNode running = RunningNode.start(dir.resolve("data"))) {
            send(running, "stop.q", 2);
            CountDownLatch inHandler = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> handled = new CopyOnWriteArrayList<>();
            ListenerLoop loop = ListenerLoop.start(running.coreUrl(), running.admin().user(), running.admin().password(),
                    Duration.ofSeconds(5), s -> s.createConsumer(s.createQueue("stop.q")), m -> {
                        inHandler.countDown();
                        release.await(10, TimeUnit.SECONDS);
                        handled.add(((TextMessage) m).getText());
                    }, "stopping-listener");
            assertTrue(inHandler.await(30, TimeUnit.SECONDS), "the first message reached the handler");
            Thread stopper = new Thread(() -> {
                try {
                    loop.stop(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            Thread.sleep(300);
            assertTrue(stopper.isAlive(), "stop waits for the handler in progress");
            release.countDown();
            stopper.join(30_000);
            assertFalse(stopper.isAlive(), "stopped once the handler returned");
            assertEquals(List.of("m0"), handled, "the message in hand finished; no other was taken");
            assertEquals(1, loop.committed());
            TextMessage left = receive(running, "stop.q");
            assertEquals("m1", left == null ? null : left.getText(), "the committed message is gone, the next one is still there");
            assertNull(receive(running, "stop.q"));
        }
    }

    private static void send(RunningNode running, String queue, int count) throws Exception {
        try (Connection c = connect(running)) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
        }
    }

    private static TextMessage receive(RunningNode running, String queue) throws Exception {
        try (Connection c = connect(running)) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            return (TextMessage) consumer.receive(1_000);
        }
    }

    private static Connection connect(RunningNode running) throws Exception {
        return new ActiveMQConnectionFactory(running.coreUrl()).createConnection(running.admin().user(), running.admin().password());
    }
}
