package io.junction.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {
    @TempDir
    Path dir;

    @Test
    void persistentMessagesSurviveARestartAndNonPersistentOnesDoNot() throws Exception {
        try (RunningNode running = RunningNode.start(dir.resolve("data"))) {
            try (Connection c = connect(running)) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("restart.q"));
                for (int i = 0; i < 50; i++) {
                    producer.send(session.createTextMessage("durable-" + i), DeliveryMode.PERSISTENT, 4, 0);
                }
                producer.send(session.createTextMessage("volatile"), DeliveryMode.NON_PERSISTENT, 4, 0);
            }

            running.restart();

            try (Connection c = connect(running)) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("restart.q"));
                Set<String> bodies = new HashSet<>();
                for (int i = 0; i < 50; i++) {
                    TextMessage m = (TextMessage) consumer.receive(10_000);
                    assertNotNull(m, "message " + i + " lost across the restart");
                    bodies.add(m.getText());
                }
                assertEquals(50, bodies.size());
                assertNull(consumer.receive(500), "the non-persistent message must not survive a restart");
            }
        }
    }

    @Test
    void firstStartCreatesTheAdminOnceInAnOwnerOnlyFile() throws Exception {
        try (RunningNode running = RunningNode.start(dir.resolve("data"))) {
            Path credentials = running.node().credentialsFile();
            assertTrue(running.node().createdAdmin().isPresent());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
            String users = Files.readString(running.node().dataDirectory().resolve("security/directory.properties"));
            assertTrue(!users.contains(running.admin().password()), "the user store must hold only the hash");

            running.restart();

            assertTrue(running.node().createdAdmin().isEmpty(), "a restart must not create a new admin");
            assertEquals(running.admin(), Credentials.read(credentials));
            try (Connection c = connect(running)) {
                c.start();
            }
        }
    }

    private static Connection connect(RunningNode running) throws Exception {
        return new ActiveMQConnectionFactory(running.coreUrl()).createConnection(running.admin().user(), running.admin().password());
    }
}
