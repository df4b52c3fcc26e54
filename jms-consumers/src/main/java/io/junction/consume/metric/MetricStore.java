package io.junction.consume.metric;

import java.awt.Color;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.rrd4j.ConsolFun;
import org.rrd4j.DsType;
import org.rrd4j.core.FetchData;
import org.rrd4j.core.RrdBackendFactory;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdRandomAccessFileBackendFactory;
import org.rrd4j.core.RrdDef;
import org.rrd4j.graph.RrdGraph;
import org.rrd4j.graph.RrdGraphDef;

/**
 * Each device's values as time series, one RRD file per series ({@code DIR/TENANT/DEVICE/NAME[~INSTANCE].rrd}, every
 * part percent-encoded, dots included, so that no name leaves its tenant's directory). Gauges are stored as read;
 * counters as rates per second ({@link CounterRate}); an octet counter's rate above its interface's {@code ifHighSpeed}
 * is discarded and counted. Every archive keeps AVERAGE, MIN and MAX for the same time, so that peaks survive
 * consolidation. Thread-safe: one device's polls are stored one at a time, in order.
 */
public final class MetricStore implements AutoCloseable {
    /** A resolution and how long it is kept. */
    public record Retention(Duration step, Duration keep) {
    }

    /**
     * Where the files are, the base step, the archives (each a multiple of the base step) and the longest time between
     * two polls that still gives a value (beyond it: a gap).
     */
    public record Settings(Path dir, Duration step, List<Retention> archives, Duration heartbeat, int openFiles) {
        /** Files held open by default: a file opened costs about three updates of one held open. */
        public static final int OPEN_FILES = 4_000;

        public Settings(Path dir, Duration step, List<Retention> archives, Duration heartbeat) {
            this(dir, step, archives, heartbeat, OPEN_FILES);
        }

        /** 1 minute for 2 days, 5 minutes for 2 weeks, 1 hour for 13 months; a gap after 10 minutes without a poll. */
        public static Settings defaults(Path dir) {
            return new Settings(dir, Duration.ofMinutes(1), List.of(new Retention(Duration.ofMinutes(1), Duration.ofDays(2)),
                    new Retention(Duration.ofMinutes(5), Duration.ofDays(14)), new Retention(Duration.ofHours(1), Duration.ofDays(396))),
                    Duration.ofMinutes(10));
        }
    }

    /** One consolidated value: the start of its step and the value (NaN: unknown). */
    public record Point(Instant time, double value) {
    }

    /** A device's last poll as the store saw it: its site, when, whether it answered and why not. */
    public record LastPoll(String site, Instant time, boolean reachable, String status) {
    }

    /** What storing a poll did: values stored, counters without a rate yet (first, gap, restart), values refused. */
    public record Stored(int values, int withoutRate, int overSpeed, int stale) {
    }

    private static final String DS = "value";
    private static final List<ConsolFun> FUNCTIONS = List.of(ConsolFun.AVERAGE, ConsolFun.MIN, ConsolFun.MAX);

    private final Settings settings;
    private final Map<String, CounterRate.Sample> previous = new HashMap<>();
    private final Map<String, Map<String, LastPoll>> lastPolls = new HashMap<>();
    private final java.util.Set<String> dirty = new java.util.HashSet<>();
    /** Open files, the least recently used closed first. */
    private final LinkedHashMap<Path, RrdDb> open = new LinkedHashMap<>(256, 0.75f, true);
    /**
     * Plain file reads and writes. RRD4J's default backend maps each file into memory and forces it to disk whenever
     * it is closed: with more series than files held open, every update closed another file and waited for a disk
     * sync (about 4,000 values a second on a disk that does 3,000 to 4,000 syncs a second). Written through the page
     * cache instead, a value survives the consumers process being killed (the kernel holds it); a machine that loses
     * power loses the last seconds of the series, which the memory-mapped backend's five-minute syncs did too.
     */
    private static final RrdBackendFactory FILES = new RrdRandomAccessFileBackendFactory();
    private final int maxOpen;
    private final AtomicLong overSpeed = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();

    public MetricStore(Settings settings) {
        this(settings, settings.openFiles());
    }

    MetricStore(Settings settings, int maxOpen) {
        this.settings = settings;
        this.maxOpen = maxOpen;
    }

    /** Stores {@code poll}: its gauges as read, its counters as rates. */
    public synchronized Stored store(MetricsMessages.Poll poll) throws IOException {
        Map<String, LastPoll> devices = lastPolls.computeIfAbsent(poll.tenant(), t -> loadLastPolls(t));
        LastPoll last = devices.get(poll.device());
        if (last == null || !last.time().isAfter(poll.time())) {
            devices.put(poll.device(), new LastPoll(poll.site(), poll.time(), poll.reachable(), poll.status()));
            dirty.add(poll.tenant());
        }
        if (!poll.reachable()) {
            return new Stored(0, 0, 0, 0);
        }
        long time = poll.time().getEpochSecond();
        Map<String, Long> speeds = new HashMap<>();
        for (MetricsMessages.Value v : poll.values()) {
            if (v.name().equals("ifHighSpeed")) {
                speeds.put(v.instance(), v.raw());
            }
        }
        int stored = 0;
        int withoutRate = 0;
        int tooFast = 0;
        int late = 0;
        for (MetricsMessages.Value v : poll.values()) {
            if (v.name().equals("sysUpTime")) {
                continue;
            }
            String key = poll.tenant() + "/" + poll.device() + "/" + v.name() + "/" + v.instance();
            double value;
            if (v.counter()) {
                CounterRate.Sample now = new CounterRate.Sample(poll.time().toEpochMilli(), v.raw(), v.wide(), poll.sysUpTime());
                CounterRate.Sample before = previous.get(key);
                if (before != null && before.timeMs() >= now.timeMs()) {
                    late++;
                    continue;
                }
                previous.put(key, now);
                CounterRate.Result r = CounterRate.between(before, now, settings.heartbeat().toMillis());
                if (r.perSecond().isEmpty()) {
                    withoutRate++;
                    if (r.reason() != CounterRate.NoRate.FIRST) {
                        // unknown up to this poll: the next rate must not fill the time of a restart or a reset
                        update(poll.tenant(), poll.device(), v.name(), v.instance(), time, Double.NaN);
                    }
                    continue;
                }
                value = r.perSecond().getAsDouble();
                Long speed = speeds.get(v.instance());
                if (v.name().endsWith("Octets") && speed != null && speed > 0 && value * 8 > speed * 1_000_000.0) {
                    tooFast++;
                    overSpeed.incrementAndGet();
                    continue;
                }
            } else {
                value = v.raw();
            }
            if (update(poll.tenant(), poll.device(), v.name(), v.instance(), time, value)) {
                stored++;
            } else {
                late++;
            }
        }
        return new Stored(stored, withoutRate, tooFast, late);
    }

    /** The consolidated values of a series between two times, at the finest resolution that covers them. */
    public synchronized List<Point> fetch(String tenant, String device, String name, String instance, Instant from, Instant to, ConsolFun f)
            throws IOException {
        Path file = file(tenant, device, name, instance);
        if (!Files.exists(file)) {
            return List.of();
        }
        FetchData data = db(file, null).createFetchRequest(f, from.getEpochSecond(), to.getEpochSecond()).fetchData();
        long[] times = data.getTimestamps();
        double[] values = data.getValues(DS);
        List<Point> out = new ArrayList<>(times.length);
        for (int i = 0; i < times.length; i++) {
            out.add(new Point(Instant.ofEpochSecond(times[i]), values[i]));
        }
        return out;
    }

    /** The series of a device, as {@code NAME} or {@code NAME~INSTANCE} (decoded). */
    public List<String> series(String tenant, String device) throws IOException {
        Path dir = settings.dir().resolve(encode(tenant)).resolve(encode(device));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".rrd")).map(n -> n.substring(0, n.length() - 4))
                    .map(n -> Arrays.stream(n.split("~", -1)).map(MetricStore::decode).reduce((a, b) -> a + "~" + b).orElse(n)).sorted().toList();
        }
    }

    /**
     * A PNG chart of one series between two times: its average, minimum and maximum, scaled by {@code factor} (8 for
     * octets as bits) and titled; with the 95th percentile of the averages as a line.
     */
    public synchronized byte[] chart(String tenant, String device, String name, String instance, Instant from, Instant to, double factor,
                                     String unit) throws IOException {
        Path file = file(tenant, device, name, instance);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no series " + name + (instance.isEmpty() ? "" : " " + instance) + " of device " + device);
        }
        RrdGraphDef g = new RrdGraphDef(from.getEpochSecond(), to.getEpochSecond());
        g.setImageFormat("png");
        g.setFilename("-");
        g.setWidth(720);
        g.setHeight(240);
        g.setTitle(device + " " + name + (instance.isEmpty() ? "" : " " + instance));
        g.setVerticalLabel(unit);
        String path = file.toString();
        g.datasource("avg0", path, DS, ConsolFun.AVERAGE, FILES);
        g.datasource("min0", path, DS, ConsolFun.MIN, FILES);
        g.datasource("max0", path, DS, ConsolFun.MAX, FILES);
        g.datasource("avg", "avg0," + factor + ",*");
        g.datasource("min", "min0," + factor + ",*");
        g.datasource("max", "max0," + factor + ",*");
        g.area("max", new Color(0xC8, 0xDC, 0xF0), "max");
        g.line("min", new Color(0x60, 0x90, 0x60), "min", 1);
        g.line("avg", new Color(0x10, 0x40, 0xA0), "average", 2);
        double p95 = percentile95(fetch(tenant, device, name, instance, from, to, ConsolFun.AVERAGE)) * factor;
        if (!Double.isNaN(p95)) {
            g.hrule(p95, Color.RED, String.format("95th percentile %.4g %s", p95, unit));
        }
        return new RrdGraph(g).getRrdGraphInfo().getBytes();
    }

    static double percentile95(List<Point> points) {
        double[] known = points.stream().mapToDouble(Point::value).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (known.length == 0) {
            return Double.NaN;
        }
        return known[(int) Math.ceil(0.95 * known.length) - 1];
    }

    /** The longest time between two polls that still gives a value. */
    public Duration heartbeat() {
        return settings.heartbeat();
    }

    /** The tenants whose polls this process stored since it started (those a process serving every tenant looks after). */
    public synchronized java.util.SortedSet<String> tenants() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        lastPolls.forEach((tenant, devices) -> {
            if (!devices.isEmpty()) {
                out.add(tenant);
            }
        });
        return out;
    }

    /** The last poll of each of {@code tenant}'s devices, by device name. */
    public synchronized Map<String, LastPoll> lastPolls(String tenant) {
        return Map.copyOf(lastPolls.computeIfAbsent(tenant, t -> loadLastPolls(t)));
    }

    /** Writes the last polls of the tenants that changed to {@code DIR/TENANT/devices.json} (replaced atomically). */
    public synchronized void saveLastPolls() throws IOException {
        // a counter's sample older than the heartbeat gives no rate: series gone (an interface renumbered) are forgotten
        long oldest = System.currentTimeMillis() - 2 * settings.heartbeat().toMillis();
        previous.values().removeIf(sample -> sample.timeMs() < oldest);
        for (String tenant : List.copyOf(dirty)) {
            List<Object> out = new ArrayList<>();
            lastPolls.get(tenant).forEach((device, p) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("device", device);
                m.put("site", p.site());
                m.put("time", p.time().toString());
                m.put("reachable", p.reachable());
                m.put("status", p.status());
                out.add(m);
            });
            Path file = settings.dir().resolve(encode(tenant)).resolve("devices.json");
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling("devices.json.next");
            Files.writeString(next, io.junction.client.Json.write(out));
            Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            dirty.remove(tenant);
        }
    }

    private Map<String, LastPoll> loadLastPolls(String tenant) {
        Map<String, LastPoll> out = new HashMap<>();
        Path file = settings.dir().resolve(encode(tenant)).resolve("devices.json");
        if (!Files.exists(file)) {
            return out;
        }
        try {
            org.apache.activemq.artemis.json.JsonArray a = org.apache.activemq.artemis.utils.JsonLoader.readArray(
                    new java.io.StringReader(Files.readString(file)));
            for (int i = 0; i < a.size(); i++) {
                org.apache.activemq.artemis.json.JsonObject o = a.getJsonObject(i);
                out.put(o.getString("device"), new LastPoll(o.getString("site", ""), Instant.parse(o.getString("time")), o.getBoolean("reachable", false),
                        o.getString("status", "")));
            }
        } catch (IOException | RuntimeException e) {
            // what the polls to come will say again: a damaged file costs the status until then, nothing else
            org.slf4j.LoggerFactory.getLogger(MetricStore.class).warn("{}: cannot read {}: {}", tenant, file, e.toString());
        }
        return out;
    }

    /** Octet rates over an interface's ifHighSpeed, discarded since the start. */
    public long overSpeed() {
        return overSpeed.get();
    }

    /** Values older than the last stored of their series (a poll delivered again, or late), refused since the start. */
    public long stale() {
        return stale.get();
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            saveLastPolls();
        } finally {
            for (RrdDb db : open.values()) {
                db.close();
            }
            open.clear();
        }
    }

    private boolean update(String tenant, String device, String name, String instance, long time, double value) throws IOException {
        Path file = file(tenant, device, name, instance);
        RrdDb db = db(file, time);
        if (time <= db.getLastUpdateTime()) {
            stale.incrementAndGet();
            return false;
        }
        db.createSample(time).setValue(DS, value).update();
        return true;
    }

    /** The open file, opened or made (starting just before {@code firstTime}) if it is not. */
    private RrdDb db(Path file, Long firstTime) throws IOException {
        RrdDb db = open.get(file);
        if (db != null) {
            return db;
        }
        if (Files.exists(file)) {
            db = RrdDb.getBuilder().setBackendFactory(FILES).setPath(file.toString()).build();
        } else if (firstTime == null) {
            throw new IOException("no such series: " + file);
        } else {
            Files.createDirectories(file.getParent());
            // starting a step before the first value, which then fills that step
            db = RrdDb.getBuilder().setBackendFactory(FILES).setRrdDef(definition(file, firstTime - settings.step().toSeconds())).build();
        }
        open.put(file, db);
        if (open.size() > maxOpen) {
            Map.Entry<Path, RrdDb> eldest = open.entrySet().iterator().next();
            open.remove(eldest.getKey());
            eldest.getValue().close();
        }
        return db;
    }

    private RrdDef definition(Path file, long start) {
        long step = settings.step().toSeconds();
        RrdDef def = new RrdDef(file.toString(), start, step);
        def.setVersion(2);
        def.addDatasource(DS, DsType.GAUGE, settings.heartbeat().toSeconds(), Double.NaN, Double.NaN);
        for (Retention r : settings.archives()) {
            int steps = (int) Math.max(1, r.step().toSeconds() / step);
            int rows = (int) Math.max(1, r.keep().toSeconds() / r.step().toSeconds());
            for (ConsolFun f : FUNCTIONS) {
                def.addArchive(f, 0.5, steps, rows);
            }
        }
        return def;
    }

    Path file(String tenant, String device, String name, String instance) {
        String leaf = encode(name) + (instance.isEmpty() ? "" : "~" + encode(instance)) + ".rrd";
        return settings.dir().resolve(encode(tenant)).resolve(encode(device)).resolve(leaf);
    }

    /** Percent-encoding that leaves no dot, slash or tilde: no part can be {@code ..} or hold a separator. */
    static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace(".", "%2E").replace("*", "%2A").replace("~", "%7E");
    }

    static String decode(String part) {
        return java.net.URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
