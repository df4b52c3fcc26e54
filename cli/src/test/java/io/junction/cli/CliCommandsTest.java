package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.node.NodeExtension;
import io.junction.node.RunningNode;
import io.junction.testing.FreePorts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every client command, end to end against a running node, as a script would use it. */
class CliCommandsTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    static RunningNode node;

    @BeforeAll
    static void node() {
        node = NODE.node();
    }

    /** The command with the node's credentials file, as an operator on the node's machine would run it. */
    static CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--credentials");
        all.add(node.node().credentialsFile().toString());
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void sendThenQueuesThenReceiveRoundTripsMessages() {
        CliRun sent = run("send", "--to", "cli.orders", "--count", "3", "--body", "link down");
        assertEquals(0, sent.exitCode(), sent.err());
        assertTrue(sent.out().startsWith("Sent 3 durable messages to cli.orders in "), sent.out());

        CliRun queues = run("queues");
        assertEquals(0, queues.exitCode(), queues.err());
        String row = queues.out().lines().filter(l -> l.startsWith("cli.orders ")).findFirst().orElseThrow(() -> new AssertionError(queues.out()));
        assertEquals(List.of("cli.orders", "cli.orders", "ANYCAST", "true", "3", "0", "0"), List.of(row.trim().split("\\s+")));
        assertTrue(queues.out().startsWith("ADDRESS"), queues.out());

        CliRun received = run("receive", "--from", "cli.orders", "--count", "3", "--json");
        assertEquals(0, received.exitCode(), received.err());
        assertEquals(3, received.out().split("\"body\":\"link down\"", -1).length - 1, received.out());

        CliRun after = run("queues", "--json");
        assertTrue(after.out().contains("{\"address\":\"cli.orders\",\"queue\":\"cli.orders\",\"routingType\":\"ANYCAST\",\"durable\":true,"
                + "\"messages\":0,\"consumers\":0,\"delivering\":0}"), after.out());
    }

    @Test
    void bytesMessagesOfTheRequestedSizeArrive() {
        assertEquals(0, run("send", "--to", "cli.bytes", "--size", "1024", "--no-persistent").exitCode());
        CliRun received = run("receive", "--from", "queue://cli.bytes");
        assertEquals(0, received.exitCode(), received.err());
        assertTrue(received.out().contains(": <1024 bytes>"), received.out());
    }

    @Test
    void sendJsonReportsCountAndDurability() {
        CliRun sent = run("send", "--to", "cli.json", "--count", "2", "--json");
        assertEquals(0, sent.exitCode(), sent.err());
        assertTrue(sent.out().contains("\"sent\":2") && sent.out().contains("\"persistent\":true"), sent.out());
    }

    @Test
    void receiveTimeoutIsAFailureWithOneLine() {
        CliRun r = run("receive", "--from", "cli.empty", "--count", "2", "--timeout", "0.5");
        assertEquals(1, r.exitCode());
        assertEquals("junction: Received 0 of 2 messages from cli.empty within 0.5 s", r.errorLine());
    }

    @Test
    void wrongPasswordIsRefusedWithOneLine() {
        CliRun r = run("send", "--to", "cli.x", "--user", "admin", "--password", "not-the-password");
        assertEquals(1, r.exitCode());
        assertEquals("junction: Login refused by " + node.admin().url() + " for user 'admin': check the user name and password", r.errorLine());
    }

    @Test
    void aPasswordWithoutItsUserIsAUsageError() {
        CliRun r = run("send", "--to", "cli.x", "--password", "from-somewhere-else");
        assertEquals(2, r.exitCode());
        assertEquals("junction: --user and --password (or JUNCTION_PASSWORD) go together", r.errorLine());
    }

    @Test
    void unreachableNodeIsAFailureWithOneLine() {
        int closedPort = FreePorts.next();
        CliRun r = run("queues", "--url", "tcp://127.0.0.1:" + closedPort);
        assertEquals(1, r.exitCode());
        assertTrue(r.errorLine().startsWith("junction: Cannot connect to tcp://127.0.0.1:" + closedPort + ": "), r.err());
        assertTrue(r.errorLine().endsWith("Is the node running?"), r.err());
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(2, run("send", "--to", "x", "--count", "0").exitCode());
        assertEquals(2, run("send", "--to", "x", "--body", "a", "--size", "3").exitCode());
        assertEquals(2, CliRun.of("send").exitCode());
        CliRun unknown = CliRun.of("frobnicate");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Unmatched argument at index 0: 'frobnicate'"), unknown.err());
    }

    @Test
    void versionNamesJunctionArtemisAndJava() {
        CliRun r = CliRun.of("version", "--json");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("\"artemis\":\"2.44.0\""), r.out());
        assertTrue(r.out().contains("\"java\":\"" + Runtime.version() + "\""), r.out());
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String command : List.of("send", "receive", "queues", "version", "node start", "node config-template")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), command);
            assertTrue(r.out().contains("Example"), command + " help lacks examples:\n" + r.out());
            if (!command.startsWith("node") && !command.equals("version")) {
                assertTrue(r.out().contains("--url") && r.out().contains("--json"), command + ":\n" + r.out());
            }
        }
    }
}
