package io.junction.consume.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.junction.config.ConfigException;
import io.junction.consume.event.Incoming;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import io.junction.consume.store.MaintenanceWindows;
import io.junction.testing.FreePorts;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications through real receivers: a webhook (the JDK's HTTP server on loopback) and a mail server (GreenMail's
 * SMTP), from problems recorded in a real H2 event store. Each notification reaches each action of its rules once; a
 * receiver that is down gets everything once it is back; maintenance windows notify nothing; an open problem is
 * notified again on the back-off schedule until acknowledged; two notifiers sharing a store deliver each once; bad
 * rule files are one line naming the file and key, never a secret.
 */
class NotifierTest {
    private static final Settings QUICK = new Settings();
    private final AtomicInteger messages = new AtomicInteger();

    @TempDir
    Path dir;

    private Database db;
    private EventStore store;
    private HttpServer http;
    private int httpPort;
    /** What the webhook answers: 200, or 503 while a test says it is down. */
    private volatile int answer = 200;
    /** The bodies the webhook took (answered 200), with their delivery header and authorization. */
    private final List<String[]> hooked = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger refused = new AtomicInteger();
    private GreenMail mail;

    /** The default back-off, with a short give-up for the test that gives up. */
    private static final class Settings {
        Notifier.Settings of(Duration giveUp) {
            return new Notifier.Settings(Duration.ofSeconds(10), Duration.ofMinutes(5), giveUp, Notifier.Settings.DEFAULTS.repeat());
        }
    }

    @BeforeEach
    void start() throws Exception {
        db = Database.open(Database.Settings.h2(dir.resolve("store")));
        store = new EventStore(db);
        httpPort = FreePorts.next();
        startWebhook();
        mail = new GreenMail(new ServerSetup(FreePorts.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        mail.setUser("junction@acme.example", "junction", "smtp-pass-1");
    }

    private void startWebhook() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
        http.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = answer;
            if (status == 200) {
                hooked.add(new String[] {body, exchange.getRequestHeaders().getFirst("X-Junction-Delivery"),
                        exchange.getRequestHeaders().getFirst("Authorization")});
            } else {
                refused.incrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (mail != null) {
            mail.stop();
        }
        if (db != null) {
            db.close();
        }
    }

    private NotificationRules rules() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("acme.properties"), """
                # the on-call team hears of every major problem, by webhook and mail
                rule.oncall.severity = major
                rule.oncall.actions = log,webhook:ops,mail:noc
                # the edge routers' interfaces, whatever their severity, by webhook only
                rule.edges.devices = edge-*
                rule.edges.types = interface-down
                rule.edges.reasons = opened
                rule.edges.actions = webhook:ops
                webhook.ops.url = http://127.0.0.1:%d/hook
                webhook.ops.token = hook-token-1
                mail.noc.to = noc@acme.example,oncall@acme.example
                smtp.host = 127.0.0.1
                smtp.port = %d
                smtp.security = none
                smtp.user = junction
                smtp.password = smtp-pass-1
                smtp.from = junction@acme.example
                """.formatted(httpPort, mail.getSmtp().getPort()));
        return NotificationRules.load(rules);
    }

    private Notifier notifier(Duration giveUp, String owner) throws IOException {
        return new Notifier(db, rules(), new Senders(), QUICK.of(giveUp), owner, "acme");
    }

    private EventStore.Recorded record(String device, String type, String instance, String severity) throws Exception {
        return store.record("acme", "m-" + messages.incrementAndGet(), new Incoming("acme", "hq", device, type, instance, severity, Instant.now()), null);
    }

    private static void run(Notifier n, Instant now) throws Exception {
        n.expand(now);
        n.deliver(now);
    }

    @Test
    void eachNotificationReachesEveryActionOfItsRulesOnce() throws Exception {
        Notifier n = notifier(Duration.ofHours(24), "test");
        long down = record("core-1", "device-unreachable", "", "major").problem().id();
        record("edge-7", "interface-down", "3", "minor");
        record("access-2", "interface-down", "5", "minor");
        run(n, Instant.now());
        assertEquals(2, hooked.size(), "core-1's major problem and edge-7's interface: " + hooked.size());
        assertTrue(mail.waitForIncomingEmail(10_000, 2), "a mail to each of the two recipients");
        String core = hooked.stream().filter(h -> h[0].contains("\"device\":\"core-1\"")).findFirst().orElseThrow()[0];
        assertTrue(core.contains("\"reason\":\"opened\"") && core.contains("\"rule\":\"oncall\"") && core.contains("\"id\":" + down), core);
        for (String[] h : hooked) {
            assertEquals("Bearer hook-token-1", h[2], "the webhook's token");
            assertTrue(h[0].startsWith("{\"delivery\":" + h[1] + ","), "the delivery id in the body and the header: " + h[0]);
        }
        MimeMessage[] mails = mail.getReceivedMessages();
        assertEquals(2, mails.length);
        assertTrue(mails[0].getSubject().startsWith("[Junction] MAJOR acme core-1 (hq) device-unreachable opened"), mails[0].getSubject());
        assertTrue(String.valueOf(mails[0].getContent()).contains("device: core-1"), String.valueOf(mails[0].getContent()));

        // the recovery closes it and tells the on-call rule's actions (the edges rule wants openings only)
        record("core-1", "device-reachable", "", "normal");
        run(n, Instant.now());
        assertEquals(3, hooked.size());
        assertTrue(hooked.get(2)[0].contains("\"reason\":\"closed\""), hooked.get(2)[0]);
        assertTrue(mail.waitForIncomingEmail(10_000, 4));
        run(n, Instant.now().plusSeconds(60));
        assertEquals(3, hooked.size(), "nothing twice");
        List<Notifier.Delivery> listed = n.deliveries("acme", false, 100);
        assertEquals(List.of("delivered"), listed.stream().map(Notifier.Delivery::state).distinct().toList(), listed.toString());
        assertEquals(7, listed.size(), "log, webhook and mail for the opening and the closing, the edge's webhook: " + listed);
        assertTrue(n.deliveries("acme", true, 100).isEmpty());
        assertTrue(listed.stream().noneMatch(d -> d.toString().contains("hook-token-1") || d.toString().contains("smtp-pass-1")), listed.toString());
    }

    @Test
    void editedRulesAreInForceAtTheNextLookAndABadEditLeavesThemAsTheyWere() throws Exception {
        Notifier n = notifier(Duration.ofHours(24), "test");
        Path file = dir.resolve("rules").resolve("acme.properties");
        RulesWatch watch = new RulesWatch(dir.resolve("rules"), "acme");
        assertTrue(watch.check().isEmpty(), "nothing edited");
        record("core-1", "device-unreachable", "", "major");
        run(n, Instant.now());
        assertEquals(1, hooked.size(), "major: the on-call rule");

        // the on-call team now wants critical problems only
        Files.writeString(file, Files.readString(file).replace("rule.oncall.severity = major", "rule.oncall.severity = critical"));
        assertTrue(watch.check().isEmpty(), "a file just changed may be half-written: read at the next look if unchanged");
        n.rules(watch.check().orElseThrow());
        record("core-2", "device-unreachable", "", "major");
        record("core-3", "device-unreachable", "", "critical");
        run(n, Instant.now());
        assertEquals(2, hooked.size(), "core-3 only: " + hooked.stream().map(h -> h[0]).toList());
        assertTrue(hooked.get(1)[0].contains("\"device\":\"core-3\""), hooked.get(1)[0]);

        // a misspelt key: not reloaded, the rules in force stay so
        String good = Files.readString(file);
        Files.writeString(file, good.replace("rule.oncall.severity", "rule.oncall.sevrity"));
        watch.check();
        assertTrue(watch.check().isEmpty(), "a file that does not read is not loaded");
        assertEquals("critical", n.rules().of("acme").rules().stream().filter(r -> r.name().equals("oncall")).findFirst().orElseThrow().severity());
        record("core-4", "device-unreachable", "", "critical");
        run(n, Instant.now());
        assertEquals(3, hooked.size(), "still notified by the rules loaded before");
        // mended: loaded again
        Files.writeString(file, good + "\n");
        watch.check();
        assertTrue(watch.check().isPresent());
    }

    @Test
    void aReceiverThatIsDownGetsEverythingOnceItIsBack() throws Exception {
        Notifier n = notifier(Duration.ofHours(24), "test");
        answer = 503;
        for (int i = 1; i <= 3; i++) {
            record("core-" + i, "device-unreachable", "", "critical");
        }
        Instant t = Instant.now();
        run(n, t);
        assertEquals(3, refused.get(), "each tried once");
        List<Notifier.Delivery> failing = n.deliveries("acme", true, 100).stream().filter(d -> d.action().equals("webhook:ops")).toList();
        assertEquals(3, failing.size());
        assertTrue(failing.stream().allMatch(d -> d.state().equals("pending") && d.lastError().contains("HTTP 503")), failing.toString());
        run(n, t.plusSeconds(5));
        assertEquals(3, refused.get(), "not again before the back-off (10 s)");

        // now the receiver is gone altogether: the connection is refused
        http.stop(0);
        http = null;
        run(n, t.plusSeconds(11));
        assertTrue(n.deliveries("acme", true, 100).stream().filter(d -> d.action().equals("webhook:ops"))
                .allMatch(d -> d.attempts() == 2 && !d.lastError().contains("HTTP 503")), n.deliveries("acme", true, 100).toString());

        // back: the next try after the doubled back-off (20 s) delivers each once
        answer = 200;
        startWebhook();
        run(n, t.plusSeconds(11 + 19));
        assertTrue(hooked.isEmpty(), "not before the back-off");
        run(n, t.plusSeconds(11 + 21));
        assertEquals(3, hooked.size());
        assertEquals(3, hooked.stream().map(h -> h[1]).distinct().count(), "three deliveries, each once");
        run(n, t.plusSeconds(600));
        assertEquals(3, hooked.size(), "nothing twice");
        assertTrue(n.deliveries("acme", true, 100).isEmpty());
    }

    @Test
    void aDeliveryFailingPastTheGiveUpTimeIsGivenUpAndListed() throws Exception {
        Notifier n = notifier(Duration.ofMinutes(1), "test");
        answer = 503;
        record("core-1", "device-unreachable", "", "major");
        Instant t = Instant.now();
        run(n, t);
        run(n, t.plusSeconds(120));
        Notifier.Delivery hook = n.deliveries("acme", true, 100).stream().filter(d -> d.action().equals("webhook:ops")).findFirst().orElseThrow();
        assertEquals("failed", hook.state());
        assertEquals(2, hook.attempts());
        int tried = refused.get();
        run(n, t.plusSeconds(3_600));
        assertEquals(tried, refused.get(), "a given-up delivery is not tried again");
    }

    @Test
    void maintenanceWindowsNotifyNothingAndOpenProblemsAreNotifiedAgainUntilAcknowledged() throws Exception {
        Notifier n = notifier(Duration.ofHours(24), "test");
        new MaintenanceWindows(db).add("acme", null, "core-9", Instant.now().minusSeconds(60), Instant.now().plusSeconds(3_600), "firmware", "ops");
        record("core-9", "device-unreachable", "", "critical");
        record("core-9", "device-reachable", "", "normal");
        run(n, Instant.now());
        assertTrue(n.deliveries("acme", false, 100).isEmpty(), "opened and closed in a window: " + n.deliveries("acme", false, 100));

        long id = record("core-1", "device-unreachable", "", "major").problem().id();
        Instant opened = Instant.now();
        run(n, opened);
        int first = hooked.size();
        assertEquals(1, first);
        List<Duration> schedule = Notifier.Settings.DEFAULTS.repeat();
        assertEquals(0, store.repeatDue("acme", opened.plus(Duration.ofMinutes(4)), schedule), "not before 5 minutes");
        Instant second = opened.plus(Duration.ofMinutes(5)).plusSeconds(1);
        assertEquals(1, store.repeatDue("acme", second, schedule));
        assertEquals(0, store.repeatDue("acme", second, schedule), "once");
        run(n, second);
        assertEquals(2, hooked.size());
        assertTrue(hooked.get(1)[0].contains("\"reason\":\"repeated\""), hooked.get(1)[0]);
        assertEquals(0, store.repeatDue("acme", second.plus(Duration.ofMinutes(9)), schedule), "then after 10 minutes");
        assertEquals(1, store.repeatDue("acme", second.plus(Duration.ofMinutes(10)), schedule));
        assertTrue(store.ack("acme", id, "ops", "on it", Instant.now()));
        assertEquals(0, store.repeatDue("acme", second.plus(Duration.ofHours(5)), schedule), "acknowledged: no more");
    }

    @Test
    void twoNotifiersSharingAStoreDeliverEachNotificationOnce() throws Exception {
        Notifier a = notifier(Duration.ofHours(24), "a");
        Notifier b = notifier(Duration.ofHours(24), "b");
        for (int i = 1; i <= 20; i++) {
            record("edge-" + i, "interface-down", "1", "minor");
        }
        Instant t = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (Notifier n : List.of(a, b)) {
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < 5; round++) {
                        run(n, t);
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20, hooked.size(), "each of 20 once");
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        hooked.forEach(h -> seen.merge(h[1], 1, Integer::sum));
        assertEquals(20, seen.size());
        assertEquals(20, a.deliveries("acme", false, 100).size(), "each notice expanded once");
    }

    @Test
    void aBadRuleFileIsOneLineNamingTheFileAndKeyAndNoSecret() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("bad"));
        Path file = rules.resolve("acme.properties");
        Map<String, String> cases = Map.ofEntries(
                Map.entry("rule.x.severity = huge\nrule.x.actions = log\n", "rule.x.severity"),
                Map.entry("rule.x.actions = log,pager\n", "rule.x.actions"),
                Map.entry("rule.x.actions = webhook:ops\n", "rule.x.actions"),
                Map.entry("rule.x.actions = mail:noc\nmail.noc.to = noc@acme.example\n", "rule.x.actions"),
                Map.entry("rule.x.severity = major\n", "rule.x.actions"),
                Map.entry("rule.x.actions = log\nrule.x.colour = red\n", "rule.x.colour"),
                Map.entry("rule.x.actions = log\nwebhook.ops.url = ftp://host/x?key=topsecret-1\nwebhook.ops.token = topsecret-2\n", "webhook.ops.url"),
                Map.entry("rule.x.actions = log\nsmtp.host = h\nsmtp.from = a@b.c\nsmtp.password = topsecret-3\n", "smtp.user"),
                Map.entry("rule.x.actions = log\nsmtp.host = h\nsmtp.from = a@b.c\nsmtp.port = 99999\nsmtp.user = u\nsmtp.password = topsecret-4\n", "smtp.port"),
                Map.entry("rule.x.actions = webhook:ops\nwebhook.ops.url = http://h/x\nwebhook.ops.token = topsecret-5 with a space\n", "webhook.ops.token"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(file, c.getKey());
            ConfigException e = assertThrows(ConfigException.class, () -> NotificationRules.load(rules), c.getKey());
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(c.getValue()), c.getValue() + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("topsecret"), e.getMessage());
        }
        Files.delete(file);
        Files.writeString(rules.resolve("Not A Tenant.properties"), "rule.x.actions = log\n");
        assertTrue(assertThrows(ConfigException.class, () -> NotificationRules.load(rules)).getMessage().contains("Not A Tenant.properties"));
        assertTrue(NotificationRules.load(dir.resolve("none")).tenants().isEmpty(), "no directory: no rules");
        // a process serving acme reads acme's file alone: beta's bad file does not stop it
        Files.delete(rules.resolve("Not A Tenant.properties"));
        Files.writeString(rules.resolve("beta.properties"), "rule.x.severity = huge\n");
        Files.writeString(rules.resolve("acme.properties"), "rule.x.actions = log\n");
        assertEquals(Set.of("acme"), NotificationRules.load(rules, "acme").tenants());
        assertTrue(NotificationRules.load(rules, "gamma").tenants().isEmpty());
    }
}

