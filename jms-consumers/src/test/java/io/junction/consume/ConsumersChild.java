package io.junction.consume;

import io.junction.client.Credentials;
import io.junction.consume.api.ApiServer;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.notify.Notifier;
import io.junction.consume.store.Database;
import io.junction.consume.store.EventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A consumers process running the event manager alone, for a test to kill -9: {@code ConsumersChild URL USER PASSWORD
 * TENANT STORE_DIR}. Prints {@code problems N closed M} every 200 ms, read from its own store.
 */
public final class ConsumersChild {
    private ConsumersChild() {
    }

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[4]);
        ConsumersProcess.Settings settings = new ConsumersProcess.Settings(Set.of("events"), "main", Database.Settings.h2(store), Duration.ofHours(1),
                MetricStore.Settings.defaults(store.resolve("metrics")), new ApiServer.Settings("127.0.0.1", 0, "", ""), Duration.ofSeconds(5),
                store.resolve("no-rules"), Notifier.Settings.DEFAULTS);
        ConsumersProcess process = ConsumersProcess.start(new Credentials(args[0], args[1], args[2]), args[3], settings);
        Runtime.getRuntime().addShutdownHook(new Thread(process::close, "consumers-child-stop"));
        System.out.println("consuming");
        try (Database db = Database.open(Database.Settings.h2(store))) {
            EventStore events = new EventStore(db);
            while (true) {
                List<EventStore.Stored> all = events.problems(new EventStore.Query(args[3], false, null, null, null, 10_000));
                System.out.println("problems " + all.size() + " closed " + all.stream().filter(s -> !s.problem().open()).count());
                Thread.sleep(200);
            }
        }
    }
}
