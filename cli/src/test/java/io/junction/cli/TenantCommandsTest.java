package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.node.RunningNode;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code junction tenant} and {@code junction user} end to end against a running node. */
class TenantCommandsTest {
    @TempDir
    Path dir;
    RunningNode node;

    @BeforeEach
    void start() throws Exception {
        node = RunningNode.start(dir.resolve("data"));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private CliRun run(String... args) {
        return new AdminCli(node).run(args);
    }

    private CliRun runWithInput(String input, String... args) {
        return new AdminCli(node).runWithInput(input, args);
    }

    private ActiveMQConnectionFactory as(String user, String password) {
        return new ActiveMQConnectionFactory(node.coreUrl() + "?reconnectAttempts=0", user, password);
    }

    @Test
    void badIdsLimitsAndDuplicatesGiveOneLineAndTheRightExitCode() {
        CliRun badId = run("tenant", "create", "Bad.Id");
        assertEquals(2, badId.exitCode());
        assertTrue(badId.errorLine().contains("'Bad.Id'"), badId.err());
        CliRun badLimit = run("tenant", "create", "acme", "--max-disk", "lots");
        assertEquals(2, badLimit.exitCode());
        assertTrue(badLimit.errorLine().contains("max-disk"), badLimit.err());
        CliRun badPolicy = run("tenant", "create", "acme", "--on-full", "wait");
        assertEquals(2, badPolicy.exitCode());
        assertTrue(badPolicy.errorLine().contains("wait"), badPolicy.err());

        assertEquals(0, run("tenant", "create", "acme").exitCode());
        CliRun again = run("tenant", "create", "acme");
        assertEquals(1, again.exitCode());
        assertEquals("junction: Tenant acme already exists", again.errorLine());
        CliRun unknown = run("tenant", "show", "nosuch");
        assertEquals(1, unknown.exitCode());
        assertEquals("junction: No tenant nosuch", unknown.errorLine());
        CliRun noTenant = runWithInput("pw-12345678\n", "user", "add", "--tenant", "nosuch", "--role", "producer", "p1");
        assertEquals(1, noTenant.exitCode());
        assertTrue(noTenant.errorLine().contains("No tenant nosuch"), noTenant.err());
        CliRun badRole = runWithInput("pw-12345678\n", "user", "add", "--tenant", "acme", "--role", "operator", "p1");
        assertEquals(2, badRole.exitCode(), badRole.err());
        CliRun noPassword = runWithInput("", "user", "add", "--tenant", "acme", "--role", "producer", "p1");
        assertEquals(2, noPassword.exitCode(), noPassword.err());
        assertEquals(0, runWithInput("pw-12345678\n", "user", "add", "--tenant", "acme", "--role", "producer", "p1").exitCode());
        CliRun dup = runWithInput("pw-12345678\n", "user", "add", "--tenant", "acme", "--role", "producer", "p1");
        assertEquals(1, dup.exitCode());
        assertEquals("junction: User p1 already exists", dup.errorLine());

        assertEquals(0, run("tenant", "create", "tiny", "--max-users", "1").exitCode());
        assertEquals(0, runWithInput("pw-12345678\n", "user", "add", "--tenant", "tiny", "--role", "producer", "t1").exitCode());
        CliRun full = runWithInput("pw-12345678\n", "user", "add", "--tenant", "tiny", "--role", "consumer", "t2");
        assertEquals(1, full.exitCode());
        assertTrue(full.errorLine().contains("max-users"), full.err());
    }

    @Test
    void aTenantIsCreatedShownChangedAndDeletedOnlyWhenEmptyOrForced() throws Exception {
        CliRun created = run("tenant", "create", "acme", "--name", "Acme Networks", "--max-connections", "2", "--max-disk", "2GiB");
        assertEquals(0, created.exitCode(), created.err());
        assertTrue(created.out().contains("tenant.acme.metrics"), created.out());
        assertEquals(0, runWithInput("pw-12345678\n", "user", "add", "--tenant", "acme", "--role", "producer", "poller-1").exitCode());

        CliRun list = run("tenant", "list", "--json");
        assertTrue(list.out().contains("\"id\":\"acme\"") && list.out().contains("\"maxDisk\":\"2GiB\"") && list.out().contains("\"users\":1"), list.out());

        try (Connection c = as("poller-1", "pw-12345678").createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createTopic("tenant.acme.metrics"));
            for (int i = 0; i < 3; i++) {
                p.send(s.createTextMessage("m" + i));
            }
        }
        CliRun elsewhere = CliRun.of("send", "--to", "tenant.globex.metrics", "--body", "x", "--url", node.coreUrl(), "--user", "poller-1",
                "--password", "pw-12345678");
        assertEquals(1, elsewhere.exitCode());
        assertTrue(elsewhere.errorLine().startsWith("junction: Refused: ") && elsewhere.errorLine().contains("tenant.globex.metrics"), elsewhere.err());
        CliRun show = run("tenant", "show", "acme");
        assertEquals(0, show.exitCode(), show.err());
        assertTrue(show.out().contains("Acme Networks") && show.out().contains("poller-1 [producer]"), show.out());
        assertTrue(show.out().lines().anyMatch(l -> l.matches("tenant\\.acme\\.metrics\\s+3")), show.out());

        assertEquals(0, run("tenant", "update", "acme", "--max-connections", "5").exitCode());
        assertTrue(run("tenant", "show", "acme", "--json").out().contains("\"max-connections\":5"));
        assertEquals(2, run("tenant", "update", "acme").exitCode(), "nothing to change");

        CliRun refused = run("tenant", "delete", "acme");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.errorLine().contains("holds 3 messages"), refused.err());
        assertTrue(run("tenant", "list").out().contains("acme"), "nothing was deleted");

        CliRun forced = run("tenant", "delete", "acme", "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertFalse(run("tenant", "list").out().contains("acme"));
        assertFalse(run("queues").out().contains("tenant.acme"), "its destinations are gone");
        assertThrows(JMSSecurityException.class, () -> as("poller-1", "pw-12345678").createConnection().close(), "its users are gone");
    }

    @Test
    void passwordChangesAndRemovalsTakeEffectAndTheLastAdminStays() throws Exception {
        assertEquals(0, run("tenant", "create", "acme").exitCode());
        assertEquals(0, runWithInput("old-password\n", "user", "add", "--tenant", "acme", "--role", "consumer", "dash").exitCode());
        as("dash", "old-password").createConnection().close();
        assertEquals(0, runWithInput("new-password\n", "user", "passwd", "dash").exitCode());
        assertThrows(JMSSecurityException.class, () -> as("dash", "old-password").createConnection().close());
        as("dash", "new-password").createConnection().close();

        CliRun users = run("user", "list", "--tenant", "acme");
        assertTrue(users.out().contains("dash") && !users.out().contains("admin  "), users.out());
        assertFalse(run("user", "list", "--json").out().contains("pbkdf2"), "hashes never leave the broker");

        assertEquals(0, run("user", "remove", "dash").exitCode());
        assertThrows(JMSSecurityException.class, () -> as("dash", "new-password").createConnection().close());
        CliRun last = run("user", "remove", "admin");
        assertEquals(1, last.exitCode());
        assertTrue(last.errorLine().contains("last admin"), last.err());
    }

    @Test
    void aTenantsAdminManagesItsOwnUsersAndNothingElse() throws Exception {
        assertEquals(0, run("tenant", "create", "acme").exitCode());
        assertEquals(0, run("tenant", "create", "globex").exitCode());
        assertEquals(0, runWithInput("acme-admin-pw\n", "user", "add", "--tenant", "acme", "--role", "admin", "acme-admin").exitCode());
        assertEquals(0, runWithInput("globex-pw-123\n", "user", "add", "--tenant", "globex", "--role", "consumer", "globex-app").exitCode());
        String[] asTenantAdmin = {"--url", node.coreUrl(), "--user", "acme-admin", "--password", "acme-admin-pw"};

        CliRun added = CliRun.withInput("poller-pw-123\n", with(asTenantAdmin, "user", "add", "--tenant", "acme", "--role", "producer", "poller-2"));
        assertEquals(0, added.exitCode(), added.err());
        as("poller-2", "poller-pw-123").createConnection().close();
        CliRun listed = CliRun.of(with(asTenantAdmin, "user", "list"));
        assertTrue(listed.out().contains("poller-2") && !listed.out().contains("globex-app"), listed.out());
        assertEquals(0, CliRun.withInput("poller-pw-456\n", with(asTenantAdmin, "user", "passwd", "poller-2")).exitCode());
        assertEquals(0, CliRun.of(with(asTenantAdmin, "tenant", "show", "acme")).exitCode());

        for (CliRun refused : List.of(
                CliRun.withInput("x-password-1\n", with(asTenantAdmin, "user", "add", "--tenant", "globex", "--role", "producer", "intruder")),
                CliRun.withInput("x-password-1\n", with(asTenantAdmin, "user", "add", "--role", "operator", "intruder")),
                CliRun.of(with(asTenantAdmin, "user", "remove", "globex-app")),
                CliRun.withInput("x-password-1\n", with(asTenantAdmin, "user", "passwd", "admin")),
                CliRun.of(with(asTenantAdmin, "user", "list", "--tenant", "globex")),
                CliRun.of(with(asTenantAdmin, "tenant", "show", "globex")),
                CliRun.of(with(asTenantAdmin, "tenant", "create", "mine")),
                CliRun.of(with(asTenantAdmin, "tenant", "list")),
                CliRun.of(with(asTenantAdmin, "queues")))) {
            assertEquals(1, refused.exitCode(), refused.out() + refused.err());
            refused.errorLine();
        }
        as("globex-app", "globex-pw-123").createConnection().close();
        assertTrue(run("user", "list").out().contains("globex-app"), "the other tenant's user is untouched");
        assertEquals(0, CliRun.of(with(asTenantAdmin, "user", "remove", "poller-2")).exitCode());
    }

    private static String[] with(String[] login, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(login));
        return all.toArray(String[]::new);
    }

    @Test
    void repeatedLoginFailuresFromOneAddressAreSlowedDown() throws Exception {
        assertEquals(0, run("tenant", "create", "acme").exitCode());
        assertEquals(0, runWithInput("right-password\n", "user", "add", "--tenant", "acme", "--role", "consumer", "guess-me").exitCode());
        for (int i = 0; i < 5; i++) {
            assertThrows(JMSSecurityException.class, () -> as("guess-me", "wrong-password").createConnection().close());
        }
        assertThrows(JMSSecurityException.class, () -> as("guess-me", "right-password").createConnection().close(),
                "after five failures in a row even the right password is refused for a while");
        // the first delay is 1 s: the right password is let in again once it has passed
        Waits.until(Duration.ofSeconds(10), "the right password let in again after the throttle's delay", () -> {
            as("guess-me", "right-password").createConnection().close();
            return true;
        });
    }

    @Test
    void aUserHoldsAtMostItsTenantsConnections() throws Exception {
        assertEquals(0, run("tenant", "create", "small", "--max-connections", "2").exitCode());
        assertEquals(0, runWithInput("pw-12345678\n", "user", "add", "--tenant", "small", "--role", "producer", "dev").exitCode());
        ActiveMQConnectionFactory cf = as("dev", "pw-12345678");
        try (Connection one = cf.createConnection(); Connection two = cf.createConnection()) {
            one.start();
            two.start();
            assertThrows(JMSException.class, () -> cf.createConnection().close(), "a third connection must be refused");
        }
        // closed connections free their places
        try (Connection again = cf.createConnection()) {
            again.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
        }
        // a changed limit applies to the next login
        assertEquals(0, run("tenant", "update", "small", "--max-connections", "3").exitCode());
        try (Connection one = cf.createConnection(); Connection two = cf.createConnection(); Connection three = cf.createConnection()) {
            for (Connection c : List.of(one, two, three)) {
                c.start();
            }
            assertThrows(JMSException.class, () -> cf.createConnection().close(), "a fourth connection must be refused");
        }
    }
}
