package io.junction.consume;

import io.junction.client.ClientConfig;
import io.junction.config.Config;
import io.junction.config.ConfigDef;
import io.junction.config.ConfigKey;
import io.junction.config.ConfigType;
import io.junction.config.Durations;
import io.junction.consume.api.ApiServer;
import io.junction.consume.metric.MetricStore;
import io.junction.consume.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The keys of a consumers process's configuration file: the client keys ({@link ClientConfig}) and the consumers' own. */
public final class ConsumersConfig {
    /** The consumers a process can run. */
    public static final Set<String> KINDS = Set.of("events", "metrics");
    /** Where the store's password comes from when the file leaves it empty. */
    public static final String STORE_PASSWORD_VARIABLE = "JUNCTION_STORE_PASSWORD";

    public static final ConfigKey<String> ONLY = ConfigKey.of("consumers.only", ConfigType.STRING, "events,metrics",
            "The consumers this process runs, comma-separated: events (the event manager), metrics (the metric store).")
            .require(v -> !v.isBlank() && List.of(v.split(",")).stream().map(String::trim).allMatch(KINDS::contains),
                    "expected a comma-separated list of " + String.join(", ", KINDS));
    public static final ConfigKey<String> STORE_URL = ConfigKey.of("store.url", ConfigType.STRING, "",
            "The database of events (jdbc:postgresql://host:port/db, shared by several consumer processes, or jdbc:h2:...).\n"
                    + "Empty: H2 in store.dir, for one process.")
            .require(u -> u.isEmpty() || u.startsWith("jdbc:postgresql:") || u.startsWith("jdbc:h2:"), "expected jdbc:postgresql:... or jdbc:h2:...");
    public static final ConfigKey<String> STORE_DIR = ConfigKey.of("store.dir", ConfigType.STRING, "data/store",
            "Where the H2 database is kept when store.url is empty.");
    public static final ConfigKey<String> STORE_USER = ConfigKey.of("store.user", ConfigType.STRING, "",
            "The database user (PostgreSQL).");
    public static final ConfigKey<String> STORE_PASSWORD = ConfigKey.of("store.password", ConfigType.STRING, "",
            "The database password. Empty: from " + STORE_PASSWORD_VARIABLE + ", which keeps it out of the file.");
    public static final ConfigKey<Integer> STORE_POOL = ConfigKey.of("store.pool", ConfigType.INT, "4",
            "Database connections this process holds at most.")
            .require(n -> n >= 1 && n <= 200, "must be between 1 and 200");

    public static final ConfigKey<String> INSTANCE = ConfigKey.of("consumers.instance", ConfigType.STRING, "main",
            "This process's name among the tenant's consumer processes (letters, digits, - and _): the metric store of each\n"
                    + "keeps a full copy through a subscription of its own, named after it; keep it across restarts.")
            .require(v -> v.matches("[A-Za-z0-9_-]{1,64}"), "expected 1 to 64 letters, digits, - or _");
    public static final ConfigKey<String> METRICS_DIR = ConfigKey.of("metrics.dir", ConfigType.STRING, "data/metrics",
            "Where the metric store keeps its RRD files: one an instance (an interface) with each of its values as a data source,\n"
                    + "DIR/TENANT/DEVICE/INSTANCE.rrd (~.rrd: the values without an instance), and the counters as last read (counters.json).");
    public static final ConfigKey<java.time.Duration> METRICS_STEP = ConfigKey.of("metrics.step", ConfigType.DURATION, "1m",
            "The finest resolution of the metric store; each archive's step is a multiple of it. Changing it affects new series only.")
            .require(d -> d.toSeconds() >= 1 && d.toNanos() % 1_000_000_000L == 0, "must be whole seconds, at least 1s");
    public static final ConfigKey<String> METRICS_ARCHIVES = ConfigKey.of("metrics.archives", ConfigType.STRING, "1m:2d,5m:14d,1h:396d",
            "Each archive as STEP:KEPT, comma-separated; each keeps AVERAGE, MIN and MAX. Changing it affects new series only.")
            .require(v -> archivesOrNull(v) != null, "expected STEP:KEPT,... with durations (e.g. 1m:2d,5m:14d,1h:396d), each KEPT at least its STEP");
    public static final ConfigKey<java.time.Duration> METRICS_HEARTBEAT = ConfigKey.of("metrics.heartbeat", ConfigType.DURATION, "10m",
            "The longest time between two polls of a device that still gives a value; beyond it the chart has a gap.")
            .require(d -> d.toSeconds() >= 1, "must be at least 1s");

    public static final ConfigKey<Integer> METRICS_OPEN_FILES = ConfigKey.of("metrics.open-files", ConfigType.INT,
            String.valueOf(MetricStore.Settings.OPEN_FILES),
            "RRD files (one an interface) the metric store holds open, the least recently updated closed first. An update of a file\n"
                    + "held open costs about a third of one that opens it; with more interfaces than this, each poll opens its files anew.\n"
                    + "Each holds a file descriptor: keep it well under the process's limit (ulimit -n).")
            .require(n -> n >= 16 && n <= 1_000_000, "must be between 16 and 1000000");
    public static final ConfigKey<java.time.Duration> ESCALATE_AFTER = ConfigKey.of("events.escalate-after", ConfigType.DURATION, "1h",
            "A problem left open and unacknowledged this long goes up one severity (warning, minor, major, critical), and again after\n"
                    + "as long; not while a maintenance window covers it. 0s: never.")
            .require(d -> d.isZero() || d.toSeconds() >= 60, "must be 0s or at least 1m");
    public static final ConfigKey<String> NOTIFICATIONS_DIR = ConfigKey.of("notifications.dir", ConfigType.STRING, "etc/notifications",
            "The notification rules: one TENANT.properties per tenant (etc/notifications/README). No such directory: nothing is notified.");
    public static final ConfigKey<String> NOTIFICATIONS_REPEAT = ConfigKey.of("notifications.repeat", ConfigType.STRING, "5m,10m,20m,40m",
            "An open, unacknowledged problem that a rule notifies is notified again after each of these waits in turn, then after the\n"
                    + "last one again, until it is acknowledged or closed. never: once only.")
            .require(v -> v.equals("never") || durationsOrNull(v) != null, "expected never, or durations of at least 1m, comma-separated (e.g. 5m,10m,20m,40m)");
    public static final ConfigKey<java.time.Duration> NOTIFICATIONS_RETRY = ConfigKey.of("notifications.retry", ConfigType.DURATION, "10s",
            "The wait after a failed delivery (a webhook or mail server down), doubled after each failure up to notifications.retry-max.")
            .require(d -> d.toSeconds() >= 1, "must be at least 1s");
    public static final ConfigKey<java.time.Duration> NOTIFICATIONS_RETRY_MAX = ConfigKey.of("notifications.retry-max", ConfigType.DURATION, "5m",
            "The longest wait between two tries of a delivery.")
            .require(d -> d.toSeconds() >= 1, "must be at least 1s");
    public static final ConfigKey<java.time.Duration> NOTIFICATIONS_GIVE_UP = ConfigKey.of("notifications.give-up", ConfigType.DURATION, "24h",
            "A delivery still failing this long after it was made is given up (junction notifications --failed lists it).")
            .require(d -> d.toMinutes() >= 1, "must be at least 1m");
    public static final ConfigKey<String> API_ADDRESS = ConfigKey.of("api.address", ConfigType.STRING, "127.0.0.1",
            "The address the HTTP API listens on (0.0.0.0: every interface).");
    public static final ConfigKey<Integer> API_PORT = ConfigKey.of("api.port", ConfigType.INT, "8090",
            "The port of the HTTP API (docs/api.md), which junction events, metrics and chart call; 0: any free port.")
            .require(n -> n >= 0 && n <= 65535, "must be between 0 and 65535");
    public static final ConfigKey<String> API_KEYSTORE = ConfigKey.of("api.keystore", ConfigType.STRING, "",
            "A keystore (PKCS12 or JKS) with the API's key and certificate: HTTPS. Empty: plain HTTP.");
    public static final ConfigKey<String> API_KEYSTORE_PASSWORD = ConfigKey.of("api.keystore.password", ConfigType.STRING, "",
            "The password of api.keystore.");

    private ConsumersConfig() {
    }

    /** The consumers {@code settings} names. */
    public static Set<String> only(Config settings) {
        return Set.copyOf(List.of(settings.get(ONLY).split(",")).stream().map(String::trim).toList());
    }

    /** The database {@code settings} names: PostgreSQL or H2 at {@code store.url}, else H2 in {@code store.dir}. */
    public static Database.Settings store(Config settings, Map<String, String> environment) {
        String url = settings.get(STORE_URL);
        if (url.isEmpty()) {
            return Database.Settings.h2(Path.of(settings.get(STORE_DIR)));
        }
        String password = settings.get(STORE_PASSWORD);
        if (password.isEmpty()) {
            password = environment.getOrDefault(STORE_PASSWORD_VARIABLE, "");
        }
        return new Database.Settings(url, settings.get(STORE_USER), password, settings.get(STORE_POOL));
    }

    /** The metric store {@code settings} describes. */
    public static MetricStore.Settings metrics(Config settings) {
        java.time.Duration step = settings.get(METRICS_STEP);
        List<MetricStore.Retention> archives = archivesOrNull(settings.get(METRICS_ARCHIVES));
        for (MetricStore.Retention r : archives) {
            if (r.step().toSeconds() % step.toSeconds() != 0) {
                throw settings.invalid(METRICS_ARCHIVES, "the step " + Durations.format(r.step()) + " is no multiple of metrics.step "
                        + Durations.format(step));
            }
        }
        return new MetricStore.Settings(Path.of(settings.get(METRICS_DIR)), step, archives, settings.get(METRICS_HEARTBEAT), settings.get(METRICS_OPEN_FILES));
    }

    /** Where {@code settings} says the API listens. */
    public static ApiServer.Settings api(Config settings) {
        String keystore = settings.get(API_KEYSTORE);
        if (!keystore.isEmpty() && !java.nio.file.Files.isReadable(Path.of(keystore))) {
            throw settings.invalid(API_KEYSTORE, "no readable file there");
        }
        return new ApiServer.Settings(settings.get(API_ADDRESS), settings.get(API_PORT), keystore, settings.get(API_KEYSTORE_PASSWORD));
    }

    /** The notifier's settings. */
    public static io.junction.consume.notify.Notifier.Settings notifications(Config settings) {
        String repeat = settings.get(NOTIFICATIONS_REPEAT);
        if (settings.get(NOTIFICATIONS_RETRY_MAX).compareTo(settings.get(NOTIFICATIONS_RETRY)) < 0) {
            throw settings.invalid(NOTIFICATIONS_RETRY_MAX, "shorter than notifications.retry");
        }
        return new io.junction.consume.notify.Notifier.Settings(settings.get(NOTIFICATIONS_RETRY), settings.get(NOTIFICATIONS_RETRY_MAX),
                settings.get(NOTIFICATIONS_GIVE_UP), repeat.equals("never") ? List.of() : durationsOrNull(repeat));
    }

    private static List<java.time.Duration> durationsOrNull(String text) {
        List<java.time.Duration> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            try {
                java.time.Duration d = Durations.parse(part.trim());
                if (d.toMinutes() < 1) {
                    return null;
                }
                out.add(d);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return out;
    }

    private static List<MetricStore.Retention> archivesOrNull(String text) {
        List<MetricStore.Retention> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            String[] stepKept = part.trim().split(":");
            if (stepKept.length != 2) {
                return null;
            }
            try {
                java.time.Duration step = Durations.parse(stepKept[0]);
                java.time.Duration kept = Durations.parse(stepKept[1]);
                if (step.toSeconds() < 1 || kept.compareTo(step) < 0) {
                    return null;
                }
                out.add(new MetricStore.Retention(step, kept));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** The commented file in etc/. */
    public static String template() {
        return definition().toPropertiesTemplate("""
                Junction consumers configuration, read by `junction consumers start` (--config FILE).
                Every key is optional; the commented value is the default. Unknown keys stop start-up.
                Generated from the key declarations (junction consumers config-template); keep them in step.""");
    }

    /** Every key a consumers process's file may hold. */
    public static ConfigDef definition() {
        return ClientConfig.define(new ConfigDef()).define(ONLY).define(INSTANCE).define(STORE_URL).define(STORE_DIR).define(STORE_USER)
                .define(STORE_PASSWORD).define(STORE_POOL).define(ESCALATE_AFTER).define(NOTIFICATIONS_DIR).define(NOTIFICATIONS_REPEAT)
                .define(NOTIFICATIONS_RETRY).define(NOTIFICATIONS_RETRY_MAX).define(NOTIFICATIONS_GIVE_UP).define(METRICS_DIR).define(METRICS_STEP).define(METRICS_ARCHIVES).define(METRICS_HEARTBEAT)
                .define(METRICS_OPEN_FILES)
                .define(API_ADDRESS).define(API_PORT).define(API_KEYSTORE).define(API_KEYSTORE_PASSWORD);
    }
}
