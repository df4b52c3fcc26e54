package io.junction.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.config.Config;
import io.junction.config.ConfigException;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumersConfigTest {
    @TempDir
    Path dir;

    @Test
    void theFileInEtcIsTheTemplateOfTheDeclaredKeys() throws Exception {
        assertEquals(ConsumersConfig.template(), Files.readString(Path.of("..", "etc", "consumers.properties")),
                "etc/consumers.properties is out of step with ConsumersConfig: regenerate it with"
                        + " `bin/junction consumers config-template > etc/consumers.properties`");
    }

    @Test
    void theStoreIsH2InTheDataDirectoryUnlessAUrlNamesAnother() {
        Config defaults = ConsumersConfig.definition().parse(Map.of(), "consumers.properties");
        assertEquals(Set.of("events", "metrics"), ConsumersConfig.only(defaults));
        assertEquals(List.of(new MetricStore.Retention(Duration.ofMinutes(1), Duration.ofDays(2)), new MetricStore.Retention(Duration.ofMinutes(5),
                Duration.ofDays(14)), new MetricStore.Retention(Duration.ofHours(1), Duration.ofDays(396))), ConsumersConfig.metrics(defaults).archives(),
                "1 minute for 2 days, 5 minutes for 2 weeks, 1 hour for 13 months");
        assertEquals("metrics.archives", assertThrows(ConfigException.class,
                () -> ConsumersConfig.definition().parse(Map.of("metrics.archives", "1m:2d,5m"), "consumers.properties")).key());
        ConfigException notAMultiple = assertThrows(ConfigException.class, () -> ConsumersConfig.metrics(
                ConsumersConfig.definition().parse(Map.of("metrics.step", "90s"), "consumers.properties")));
        assertTrue(notAMultiple.getMessage().contains("metrics.archives") && notAMultiple.getMessage().contains("no multiple of metrics.step 90s"),
                notAMultiple.getMessage());
        assertTrue(ConsumersConfig.store(defaults, Map.of()).url().startsWith("jdbc:h2:file:"), ConsumersConfig.store(defaults, Map.of()).url());
        Config pg = ConsumersConfig.definition().parse(Map.of("store.url", "jdbc:postgresql://db:5432/junction", "store.user", "junction"),
                "consumers.properties");
        Database.Settings s = ConsumersConfig.store(pg, Map.of(ConsumersConfig.STORE_PASSWORD_VARIABLE, "from-env"));
        assertEquals("from-env", s.password(), "the password from the environment when the file has none");
        assertEquals("store.url", assertThrows(ConfigException.class,
                () -> ConsumersConfig.definition().parse(Map.of("store.url", "mysql://db"), "consumers.properties")).key());
        assertEquals("consumers.only", assertThrows(ConfigException.class,
                () -> ConsumersConfig.definition().parse(Map.of("consumers.only", "events,charts"), "consumers.properties")).key());
        assertEquals(List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40)),
                ConsumersConfig.notifications(defaults).repeat(), "notified again after 5, 10, 20, 40 minutes");
        assertEquals(List.of(), ConsumersConfig.notifications(ConsumersConfig.definition().parse(Map.of("notifications.repeat", "never"), "c")).repeat());
        assertEquals("notifications.repeat", assertThrows(ConfigException.class,
                () -> ConsumersConfig.definition().parse(Map.of("notifications.repeat", "5m,10s"), "consumers.properties")).key());
        assertEquals("notifications.retry-max", assertThrows(ConfigException.class, () -> ConsumersConfig.notifications(
                ConsumersConfig.definition().parse(Map.of("notifications.retry", "1m", "notifications.retry-max", "30s"), "consumers.properties"))).key());
    }

    @Test
    void aStoreThatCannotBeOpenedIsOneLineNamingTheKey() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Database.open(Database.Settings.h2(notADirectory)));
        assertTrue(e.getMessage().startsWith("store.url jdbc:h2:file:" + notADirectory + "/junction"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot connect") && !e.getMessage().contains("\n"), e.getMessage());
        assertEquals("jdbc:postgresql://db/junction?user=j&password=***&ssl=true",
                new Database.Settings("jdbc:postgresql://db/junction?user=j&password=hunter2&ssl=true", "", "", 1).shown(), "no password shown");
    }
}
