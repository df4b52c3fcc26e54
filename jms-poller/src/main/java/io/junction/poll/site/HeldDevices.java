package io.junction.poll.site;

import io.junction.client.Json;
import io.junction.inventory.DeviceSpec;
import io.junction.poll.snmp.Device;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices this poller polled lately, with the slot it polled last and what it found: the devices it keeps polling
 * while the bus is unreachable, and the state their polls carry on with once it is back. Kept in {@code held.json} in
 * the spool directory (readable by its owner alone: it holds the devices' SNMP credentials, as the poller needs them to
 * poll after a restart without the bus), so that a poller restarted during an outage polls on. Thread-safe.
 */
final class HeldDevices {
    private static final Logger LOG = LoggerFactory.getLogger(HeldDevices.class);
    private static final long SAVE_EVERY_MS = 5_000;

    /** A held device: its inventory entry, the last slot polled, the state after it, and when this poller last touched it. */
    record Held(Device device, Map<String, String> spec, long lastDue, DeviceState state, long touchedAt) {
    }

    private final Path file;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private volatile boolean dirty;
    private long savedAt;

    private HeldDevices(Path file) {
        this.file = file;
    }

    /**
     * Those saved in {@code file} by an earlier run and polled within {@code maxAge} (none if it is missing or
     * unreadable: logged): older ones are other pollers' by now, and what they found is past the spool's age anyway.
     */
    static HeldDevices load(Path file, java.time.Duration maxAge) {
        HeldDevices h = new HeldDevices(file);
        if (!Files.exists(file)) {
            return h;
        }
        long now = System.currentTimeMillis();
        try {
            for (JsonValue v : JsonLoader.readArray(new StringReader(Files.readString(file)))) {
                try {
                    JsonObject o = v.asJsonObject();
                    JsonObject specJson = o.getJsonObject("spec");
                    Map<String, String> spec = new LinkedHashMap<>();
                    specJson.forEach((k, value) -> spec.put(k, specJson.getString(k)));
                    Device d = SiteInventory.device(new DeviceSpec(o.getString("tenant"), spec));
                    long lastDue = o.getJsonNumber("lastDue").longValue();
                    if (lastDue >= now - maxAge.toMillis()) {
                        h.held.put(d.identity(), new Held(d, spec, lastDue, DeviceState.of(o.getJsonObject("state")), now));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Held devices {}: an entry cannot be read ({}); skipped", file, e.toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Held devices {} cannot be read ({}): this poller starts holding none", file, e.toString());
            h.held.clear();
        }
        return h;
    }

    /**
     * Brings the held devices up to the states {@code notes} (of spooled polls, oldest first) record: held.json is
     * saved every few seconds, the spool with every poll.
     */
    void restore(List<String> notes) {
        for (String note : notes) {
            JsonObject o = JsonLoader.readObject(new StringReader(note));
            long due = o.getJsonNumber("due").longValue();
            held.computeIfPresent(o.getString("identity"), (id, h) -> h.lastDue() > due ? h
                    : new Held(h.device(), h.spec(), due, DeviceState.of(o.getJsonObject("state")), h.touchedAt()));
        }
    }

    Held get(String identity) {
        return held.get(identity);
    }

    Collection<Held> all() {
        return held.values();
    }

    int size() {
        return held.size();
    }

    /** This poller polled {@code d} for the slot {@code due} and found {@code after}. */
    void polled(Device d, Map<String, String> spec, long due, DeviceState after) {
        held.merge(d.identity(), new Held(d, spec, due, after, System.currentTimeMillis()),
                (old, now) -> old.lastDue() > due ? old : now);
        dirty = true;
    }

    /**
     * When the bus is lost at {@code cut} (epoch ms): keeps the devices this poller polled at their last slot before
     * it, and those it is polling. The site's pollers take a device's polls in turn, so each device was polled last by
     * one of them, which polls it on its own; the others leave it, and it is not polled (nor its changes reported) twice.
     */
    void retainLatest(long cut, Set<String> busy) {
        dirty |= held.values().removeIf(h -> h.lastDue() <= cut - h.device().interval().toMillis() && !busy.contains(h.device().identity()));
    }

    /** Forgets devices not polled here for two intervals: the site's other pollers have them now. */
    void expire() {
        long now = System.currentTimeMillis();
        dirty |= held.values().removeIf(h -> now - h.touchedAt() > 2 * h.device().interval().toMillis() + 5_000);
    }

    /** Saves the held devices if they changed and the last save is {@link #SAVE_EVERY_MS} old (or {@code now}). */
    synchronized void save(boolean now) {
        long t = System.currentTimeMillis();
        if (!dirty || (!now && t - savedAt < SAVE_EVERY_MS)) {
            return;
        }
        dirty = false;
        savedAt = t;
        List<Object> out = new ArrayList<>();
        for (Held h : held.values()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tenant", h.device().tenant());
            o.put("spec", h.spec());
            o.put("lastDue", h.lastDue());
            o.put("state", h.state().json());
            out.add(o);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Json.write(out));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            dirty = true;
            LOG.warn("Held devices {} cannot be saved: {}", file, e.toString());
        }
    }
}
