package io.junction.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import io.junction.node.NodeExtension;
import io.junction.testing.ChildJvm;
import io.junction.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumers process killed with -9 while events stream in: another started on its store takes over the shared
 * subscription, and in the end every device has one problem, opened and closed, each event counted once: the message
 * in hand when the process died is delivered again and either redone (its transaction never committed) or recognised
 * (its id was committed with its change), never stored twice, never lost.
 */
class ConsumersKillTest {
    @RegisterExtension
    static final NodeExtension NODE = new NodeExtension();
    private static final String PASSWORD = "kill-test-password-1";
    private static final int DEVICES = 400;
    private static final Pattern PROGRESS = Pattern.compile("(?m)^problems (\\d+) closed (\\d+)$");

    @TempDir
    Path dir;

    @Test
    void aConsumersProcessKilledMidStreamLosesNothingAndStoresNothingTwice() throws Exception {
        TestBus.tenants(NODE.node().admin().at(NODE.node().coreUrl()), PASSWORD, "acme");
        String url = NODE.node().coreUrl();
        Path store = dir.resolve("store");
        AtomicInteger published = new AtomicInteger();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
        ChildJvm first = ChildJvm.start(dir.resolve("first.log"), List.of(), ConsumersChild.class.getName(), url, "acme-events", PASSWORD, "acme",
                store.toString());
        ChildJvm second = null;
        try {
            Waits.until(Duration.ofSeconds(60), "the first process consuming", () -> first.output().contains("consuming"));
            // each device goes down, then comes back: two events in the device's message group, in order
            Thread publisher = new Thread(() -> {
                try (BusConnection bus = BusConnection.open(new Credentials(url, "acme-poller", PASSWORD), Duration.ofSeconds(5))) {
                    for (int i = 0; i < DEVICES; i++) {
                        String device = "dev-" + i;
                        TestBus.event(bus, "acme", "acme", device, "device-unreachable", "major", t0.plusSeconds(i), "poll/acme/hq/" + device + "/0");
                        TestBus.event(bus, "acme", "acme", device, "device-reachable", "normal", t0.plusSeconds(i + 60), "poll/acme/hq/" + device + "/1");
                        published.addAndGet(2);
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "publisher");
            publisher.start();
            Waits.until(Duration.ofSeconds(60), "the first process in the middle of the stream", () -> last(first.output())[0] >= DEVICES / 4);
            first.killHard();
            long[] atKill = last(first.output());
            second = ChildJvm.start(dir.resolve("second.log"), List.of(), ConsumersChild.class.getName(), url, "acme-events", PASSWORD, "acme",
                    store.toString());
            ChildJvm taking = second;
            publisher.join(120_000);
            assertEquals(2 * DEVICES, published.get(), "every event published");
            try {
                Waits.until(Duration.ofSeconds(120), "every device's problem opened and closed", () -> {
                    long[] now = last(taking.output());
                    return now[0] == DEVICES && now[1] == DEVICES;
                });
            } catch (AssertionError e) {
                long[] now = last(taking.output());
                throw new AssertionError(e.getMessage() + ": the second process has " + now[0] + " problems, " + now[1] + " closed; its log ends:\n"
                        + tail(taking.output()) + "\nthe first's:\n" + tail(first.output()), e);
            }
            second.terminate(Duration.ofSeconds(30));
            assertTrue(!second.isAlive(), "the second process stops on SIGTERM");
            System.out.println("killed with " + atKill[0] + " problems stored, " + atKill[1] + " closed, of " + DEVICES);
            assertTrue(atKill[1] < DEVICES, "killed before the end of the stream: " + atKill[1]);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
        try (Database db = Database.open(Database.Settings.h2(store))) {
            EventStore events = new EventStore(db);
            List<EventStore.Stored> all = events.problems(new EventStore.Query("acme", false, null, null, null, 10_000));
            Map<String, Integer> perDevice = new TreeMap<>();
            for (EventStore.Stored s : all) {
                perDevice.merge(s.problem().device(), 1, Integer::sum);
                assertEquals(1, s.problem().count(), s.problem().device() + "'s unreachable event counted twice: " + s.problem());
                assertTrue(!s.problem().open(), s.problem().device() + " not closed");
                assertEquals(List.of("opened", "closed"), events.history("acme", s.problem().id()).stream().map(EventStore.Change::kind).toList(),
                        s.problem().device());
            }
            assertEquals(DEVICES, perDevice.size(), "every device");
            assertTrue(perDevice.values().stream().allMatch(n -> n == 1), "one problem each: " + perDevice);
        }
    }

    private static String tail(String output) {
        List<String> lines = output.lines().filter(l -> !l.startsWith("problems ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** The last {@code problems N closed M} a process printed (zeros before the first). */
    private static long[] last(String output) {
        Matcher m = PROGRESS.matcher(output);
        long[] last = {0, 0};
        while (m.find()) {
            last[0] = Long.parseLong(m.group(1));
            last[1] = Long.parseLong(m.group(2));
        }
        return last;
    }
}
