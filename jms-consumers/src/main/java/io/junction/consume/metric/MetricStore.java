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
import org.rrd4j.core.RrdDef;
import org.rrd4j.graph.RrdGraph;
import org.rrd4j.graph.RrdGraphDef;

/**
 * Each device's values as time series, one RRD file per instance ({@code DIR/TENANT/DEVICE/INSTANCE.rrd}, {@code ~.rrd}
 * for the values without one; every part percent-encoded, dots included, so that no name leaves its tenant's
 * directory) holding each of its values as a data source: one update stores all of an interface's values. Gauges are
 * stored as read;
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
        /** Files held open by default (one an interface): an update that opens its file costs about three of one held open. */
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

    /** The file of a device's values that have no instance (percent-encoding makes no instance a lone tilde). */
    private static final String SCALARS = "~";
    /** The longest data source name RRD4J holds. */
    private static final int DS_LENGTH = 20;
    /** Between the parts of a key in memory: no name holds it. */
    private static final char SEP = '\u0000';
    private static final List<ConsolFun> FUNCTIONS = List.of(ConsolFun.AVERAGE, ConsolFun.MIN, ConsolFun.MAX);

    private final Settings settings;
    /**
     * Each device's counters as last read, by {@code TENANT/DEVICE} then {@code NAME/INSTANCE}: what the next poll's
     * rates are computed from. Saved with the last polls ({@code counters.json} in the device's directory), so that a
     * restarted process computes the rate of its first poll from them (a poll missed by a killed process is then
     * covered by the rate over both intervals) rather than leave a gap.
     */
    private final Map<String, Map<String, CounterRate.Sample>> counters = new HashMap<>();
    private final java.util.Set<String> countersDirty = new java.util.HashSet<>();
    /**
     * How often the counters are saved (and at close): every device's file rewritten, so not at each save of the last
     * polls; after a kill -9 the counters saved are at most this old, within the default heartbeat of 10 minutes.
     */
    private static final Duration COUNTERS_EVERY = Duration.ofMinutes(5);
    private long countersSavedAt = System.nanoTime();
    private boolean closing;
    private final Map<String, Map<String, LastPoll>> lastPolls = new HashMap<>();
    private final java.util.Set<String> dirty = new java.util.HashSet<>();
    /** Open files, the least recently used closed first. */
    private final LinkedHashMap<Path, RrdDb> open = new LinkedHashMap<>(256, 0.75f, true);
    /**
     * File reads and writes in few system calls ({@link BufferedRrdFiles}), through the page cache. RRD4J's default
     * backend maps each file into memory and forces it to disk whenever it is closed: with more files than held open,
     * every update closed another file and waited for a disk sync. Written through the page cache instead, a value
     * survives the consumers process being killed (the kernel holds it); a machine that loses power loses the last
     * seconds of the series, which the memory-mapped backend's five-minute syncs did too.
     */
    private static final RrdBackendFactory FILES = new BufferedRrdFiles();
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
        int withoutRate = 0;
        int tooFast = 0;
        int late = 0;
        // per instance, its values by name (NaN: unknown at this poll, a counter without a rate or over its speed)
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        Map<String, CounterRate.Sample> previous = counters(poll.tenant(), poll.device());
        for (MetricsMessages.Value v : poll.values()) {
            if (v.name().equals("sysUpTime")) {
                continue;
            }
            Map<String, Double> row = rows.computeIfAbsent(v.instance(), i -> new LinkedHashMap<>());
            if (!v.counter()) {
                row.put(v.name(), (double) v.raw());
                continue;
            }
            String key = v.name() + SEP + v.instance();
            CounterRate.Sample now = new CounterRate.Sample(poll.time().toEpochMilli(), v.raw(), v.wide(), poll.sysUpTime());
            CounterRate.Sample before = previous.get(key);
            if (before != null && before.timeMs() >= now.timeMs()) {
                late++;
                continue;
            }
            previous.put(key, now);
            countersDirty.add(poll.tenant() + SEP + poll.device());
            CounterRate.Result r = CounterRate.between(before, now, settings.heartbeat().toMillis());
            if (r.perSecond().isEmpty()) {
                // unknown up to this poll: the next rate must not fill the time of a restart or a reset
                withoutRate++;
                row.put(v.name(), Double.NaN);
                continue;
            }
            double value = r.perSecond().getAsDouble();
            Long speed = speeds.get(v.instance());
            if (v.name().endsWith("Octets") && speed != null && speed > 0 && value * 8 > speed * 1_000_000.0) {
                tooFast++;
                overSpeed.incrementAndGet();
                row.put(v.name(), Double.NaN);
                continue;
            }
            row.put(v.name(), value);
        }
        int stored = 0;
        List<RrdDb> written = new ArrayList<>();
        try {
            for (Map.Entry<String, Map<String, Double>> row : rows.entrySet()) {
                if (row.getValue().isEmpty()) {
                    // every value of the instance came late: nothing to store
                    continue;
                }
                int known = (int) row.getValue().values().stream().filter(x -> !Double.isNaN(x)).count();
                if (update(poll.tenant(), poll.device(), row.getKey(), time, row.getValue(), written)) {
                    stored += known;
                } else {
                    late += known;
                    stale.addAndGet(known);
                }
            }
        } finally {
            // in the page cache before the poll is acknowledged
            for (RrdDb db : written) {
                BufferedRrdFiles.flush(db);
            }
        }
        return new Stored(stored, withoutRate, tooFast, late);
    }

    /** The consolidated values of a series between two times, at the finest resolution that covers them. */
    public synchronized List<Point> fetch(String tenant, String device, String name, String instance, Instant from, Instant to, ConsolFun f)
            throws IOException {
        Path file = file(tenant, device, instance);
        String ds = dsName(name);
        if (!Files.exists(file)) {
            return List.of();
        }
        RrdDb db = db(file, null);
        if (!db.containsDs(ds)) {
            return List.of();
        }
        FetchData data = db.createFetchRequest(f, from.getEpochSecond(), to.getEpochSecond()).fetchData();
        // the rows read, a value at a time through the backend's blocks, are not kept
        BufferedRrdFiles.flush(db);
        long[] times = data.getTimestamps();
        double[] values = data.getValues(ds);
        List<Point> out = new ArrayList<>(times.length);
        for (int i = 0; i < times.length; i++) {
            out.add(new Point(Instant.ofEpochSecond(times[i]), values[i]));
        }
        return out;
    }

    /** The series of a device, as {@code NAME} or {@code NAME~INSTANCE} (decoded). */
    public synchronized List<String> series(String tenant, String device) throws IOException {
        Path dir = settings.dir().resolve(encode(tenant)).resolve(encode(device));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".rrd")).toList();
        }
        Map<String, String> names = names(dir);
        List<String> out = new ArrayList<>();
        for (Path file : files) {
            String stem = file.getFileName().toString();
            stem = stem.substring(0, stem.length() - 4);
            String instance = stem.equals(SCALARS) ? "" : decode(stem);
            for (String ds : db(file, null).getDsNames()) {
                String name = names.getOrDefault(ds, ds);
                out.add(instance.isEmpty() ? name : name + "~" + instance);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * A PNG chart of one series between two times: its average, minimum and maximum, scaled by {@code factor} (8 for
     * octets as bits) and titled; with the 95th percentile of the averages as a line.
     */
    public synchronized byte[] chart(String tenant, String device, String name, String instance, Instant from, Instant to, double factor,
                                     String unit) throws IOException {
        Path file = file(tenant, device, instance);
        String ds = dsName(name);
        if (!Files.exists(file) || !db(file, null).containsDs(ds)) {
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
        g.datasource("avg0", path, ds, ConsolFun.AVERAGE, FILES);
        g.datasource("min0", path, ds, ConsolFun.MIN, FILES);
        g.datasource("max0", path, ds, ConsolFun.MAX, FILES);
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
        if (System.nanoTime() - countersSavedAt >= COUNTERS_EVERY.toNanos() || closing) {
            for (String device : List.copyOf(countersDirty)) {
                saveCounters(device);
                countersDirty.remove(device);
            }
            countersSavedAt = System.nanoTime();
        }
        counters.values().removeIf(device -> {
            device.values().removeIf(sample -> sample.timeMs() < oldest);
            return device.isEmpty();
        });
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
            writeJson(settings.dir().resolve(encode(tenant)).resolve("devices.json"), out);
            dirty.remove(tenant);
        }
    }

    /** The counters of a device as last read, read from its directory the first time. */
    private Map<String, CounterRate.Sample> counters(String tenant, String device) {
        return counters.computeIfAbsent(tenant + SEP + device, k -> {
            Map<String, CounterRate.Sample> out = new HashMap<>();
            // a damaged file costs a gap at the device's next poll, nothing else
            readObjects(tenant, deviceDir(tenant, device).resolve("counters.json"), o -> out.put(o.getString("name") + SEP + o.getString("instance"),
                    new CounterRate.Sample(o.getJsonNumber("time").longValue(), Long.parseUnsignedLong(o.getString("value")), o.getBoolean("wide"),
                            o.getJsonNumber("sysUpTime").longValue())));
            return out;
        });
    }

    private void saveCounters(String key) throws IOException {
        Map<String, CounterRate.Sample> samples = counters.get(key);
        if (samples == null) {
            return;
        }
        int slash = key.indexOf(SEP);
        Path dir = deviceDir(key.substring(0, slash), key.substring(slash + 1));
        List<Object> out = new ArrayList<>();
        samples.forEach((series, sample) -> {
            int at = series.indexOf(SEP);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", series.substring(0, at));
            m.put("instance", series.substring(at + 1));
            m.put("time", sample.timeMs());
            m.put("value", Long.toUnsignedString(sample.value()));
            m.put("wide", sample.wide());
            m.put("sysUpTime", sample.sysUpTime());
            out.add(m);
        });
        writeJson(dir.resolve("counters.json"), out);
    }

    /** Each object of the JSON array in {@code file} (none when there is none); a file that does not read is logged. */
    private static void readObjects(String tenant, Path file, java.util.function.Consumer<org.apache.activemq.artemis.json.JsonObject> each) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            org.apache.activemq.artemis.json.JsonArray a = org.apache.activemq.artemis.utils.JsonLoader.readArray(
                    new java.io.StringReader(Files.readString(file)));
            for (int i = 0; i < a.size(); i++) {
                each.accept(a.getJsonObject(i));
            }
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(MetricStore.class).warn("{}: cannot read {}: {}", tenant, file, e.toString());
        }
    }

    /** Writes {@code json} to {@code file}, replacing it whole at once (a process killed meanwhile leaves the old one). */
    private static void writeJson(Path file, Object json) throws IOException {
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, io.junction.client.Json.write(json));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Path deviceDir(String tenant, String device) {
        return settings.dir().resolve(encode(tenant)).resolve(encode(device));
    }

    private Map<String, LastPoll> loadLastPolls(String tenant) {
        Map<String, LastPoll> out = new HashMap<>();
        // what the polls to come will say again: a damaged file costs the status until then, nothing else
        readObjects(tenant, settings.dir().resolve(encode(tenant)).resolve("devices.json"), o -> out.put(o.getString("device"),
                new LastPoll(o.getString("site", ""), Instant.parse(o.getString("time")), o.getBoolean("reachable", false), o.getString("status", ""))));
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
        closing = true;
        try {
            saveLastPolls();
        } finally {
            for (RrdDb db : open.values()) {
                db.close();
            }
            open.clear();
        }
    }

    /**
     * Stores one row of an instance's values at {@code time} (false: the file holds a later one), adding the data
     * sources it lacks; the file written is added to {@code written}.
     */
    private boolean update(String tenant, String device, String instance, long time, Map<String, Double> row, List<RrdDb> written)
            throws IOException {
        Path file = file(tenant, device, instance);
        Map<String, String> ds = new LinkedHashMap<>();
        for (String name : row.keySet()) {
            ds.put(dsName(name), name);
        }
        if (!open.containsKey(file) && !Files.exists(file)) {
            remember(file.getParent(), ds);
        }
        RrdDb db = db(file, time, ds.keySet());
        if (time <= db.getLastUpdateTime()) {
            return false;
        }
        db = withDatasources(file, db, ds);
        org.rrd4j.core.Sample sample = db.createSample(time);
        row.forEach((name, value) -> {
            try {
                sample.setValue(dsName(name), value);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(file + " lacks data source " + dsName(name), e);
            }
        });
        written.add(db);
        sample.update();
        return true;
    }

    /** {@code db}, or the file made anew with the data sources it lacked (the history of those it had kept). */
    private RrdDb withDatasources(Path file, RrdDb db, Map<String, String> ds) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String d : ds.keySet()) {
            if (!db.containsDs(d)) {
                missing.add(d);
            }
        }
        if (missing.isEmpty()) {
            return db;
        }
        remember(file.getParent(), ds);
        RrdDef def = db.getRrdDef();
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.deleteIfExists(next);
        def.setPath(next.toString());
        def.setVersion(2);
        for (String d : missing) {
            def.addDatasource(d, DsType.GAUGE, settings.heartbeat().toSeconds(), Double.NaN, Double.NaN);
        }
        try (RrdDb copy = RrdDb.getBuilder().setBackendFactory(FILES).setRrdDef(def).build()) {
            db.copyStateTo(copy);
        }
        open.remove(file);
        db.close();
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return db(file, null);
    }

    /** The open file, opened or made (starting just before {@code firstTime}, with data sources {@code ds}) if it is not. */
    private RrdDb db(Path file, Long firstTime, java.util.Collection<String> ds) throws IOException {
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
            db = RrdDb.getBuilder().setBackendFactory(FILES).setRrdDef(definition(file, firstTime - settings.step().toSeconds(), ds)).build();
            BufferedRrdFiles.flush(db);
        }
        open.put(file, db);
        if (open.size() > maxOpen) {
            Map.Entry<Path, RrdDb> eldest = open.entrySet().iterator().next();
            open.remove(eldest.getKey());
            eldest.getValue().close();
        }
        return db;
    }

    private RrdDb db(Path file, Long firstTime) throws IOException {
        return db(file, firstTime, List.of());
    }

    private RrdDef definition(Path file, long start, java.util.Collection<String> ds) {
        long step = settings.step().toSeconds();
        RrdDef def = new RrdDef(file.toString(), start, step);
        // version 2: each archive's row holds every data source side by side, one write for them all
        def.setVersion(2);
        for (String d : ds) {
            def.addDatasource(d, DsType.GAUGE, settings.heartbeat().toSeconds(), Double.NaN, Double.NaN);
        }
        for (Retention r : settings.archives()) {
            int steps = (int) Math.max(1, r.step().toSeconds() / step);
            int rows = (int) Math.max(1, r.keep().toSeconds() / r.step().toSeconds());
            for (ConsolFun f : FUNCTIONS) {
                def.addArchive(f, 0.5, steps, rows);
            }
        }
        return def;
    }

    /** The file of one instance's values ({@value #SCALARS}.rrd: the device's values without an instance). */
    Path file(String tenant, String device, String instance) {
        String leaf = (instance.isEmpty() ? SCALARS : encode(instance)) + ".rrd";
        return settings.dir().resolve(encode(tenant)).resolve(encode(device)).resolve(leaf);
    }

    /**
     * A value's data source: its name when RRD4J can hold it (at most 20 letters, digits or underscores, as SNMP
     * object names are); else its first letters and a hash, the name kept in the device's {@code names.json}.
     */
    static String dsName(String name) {
        if (name.length() <= DS_LENGTH && name.matches("[A-Za-z0-9_]+")) {
            return name;
        }
        String hash;
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            hash = java.util.HexFormat.of().formatHex(d, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String start = name.replaceAll("[^A-Za-z0-9_]", "_");
        return start.substring(0, Math.min(start.length(), DS_LENGTH - 9)) + "~" + hash;
    }

    /** Data source names that are not the value's own, of the device in {@code dir}: data source to name. */
    private Map<String, String> names(Path dir) throws IOException {
        Path file = dir.resolve("names.json");
        Map<String, String> out = new HashMap<>();
        if (Files.exists(file)) {
            org.apache.activemq.artemis.json.JsonObject o = org.apache.activemq.artemis.utils.JsonLoader.readObject(
                    new java.io.StringReader(Files.readString(file)));
            o.forEach((k, v) -> out.put(k, ((org.apache.activemq.artemis.json.JsonString) v).getString()));
        }
        return out;
    }

    private void remember(Path dir, Map<String, String> ds) throws IOException {
        Map<String, String> names = names(dir);
        boolean changed = false;
        for (Map.Entry<String, String> e : ds.entrySet()) {
            if (!e.getKey().equals(e.getValue()) && names.putIfAbsent(e.getKey(), e.getValue()) == null) {
                changed = true;
            }
        }
        if (changed) {
            writeJson(dir.resolve("names.json"), new java.util.TreeMap<>(names));
        }
    }

    /** Percent-encoding that leaves no dot, slash or tilde: no part can be {@code ..} or hold a separator. */
    static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace(".", "%2E").replace("*", "%2A").replace("~", "%7E");
    }

    static String decode(String part) {
        return java.net.URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
