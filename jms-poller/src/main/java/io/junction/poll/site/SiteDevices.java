package io.junction.poll.site;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.inventory.DeviceSpec;
import io.junction.poll.snmp.Device;
import jakarta.jms.JMSException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A site's devices as its poller knows them: read from the bus every {@link #REFRESH}, or at once when a poll message
 * names a device added since; new devices are seeded at once, and every device every twentieth read (a chain that
 * was lost is found again). Used by the poller's thread alone; {@link #all} may be read from any.
 */
final class SiteDevices {
    /** How often the inventory is read again. */
    static final Duration REFRESH = Duration.ofSeconds(30);

    private final Credentials login;
    private final String tenant;
    private final String site;
    private final WorkQueue work;
    private volatile Map<String, Device> devices = Map.of();
    private Map<String, Map<String, String>> specs = Map.of();
    private long nextRefresh;
    private int refreshes;
    /** When the inventory was last read (epoch ms): a poll of a device it lacks, sent before then, is of a removed device. */
    private long readAt;

    SiteDevices(Credentials login, String tenant, String site, WorkQueue work) {
        this.login = login;
        this.tenant = tenant;
        this.site = site;
        this.work = work;
    }

    Map<String, Device> all() {
        return devices;
    }

    /** The inventory entry of the device, secrets included (empty if it is not in the inventory). */
    Map<String, String> spec(String identity) {
        return specs.getOrDefault(identity, Map.of());
    }

    /** Reads the inventory when it is due. */
    void refresh(BusConnection bus) throws JMSException {
        long now = System.nanoTime();
        if (now < nextRefresh) {
            return;
        }
        long at = System.currentTimeMillis();
        Map<String, Map<String, String>> fresh = SiteInventory.specs(login, tenant, site);
        Map<String, Device> read = new LinkedHashMap<>();
        fresh.forEach((id, spec) -> read.put(id, SiteInventory.device(new DeviceSpec(tenant, spec))));
        readAt = at;
        Map<String, Device> before = devices;
        devices = read;
        specs = fresh;
        boolean all = refreshes++ % 20 == 0;
        for (Device d : read.values()) {
            if (all || !before.containsKey(d.identity())) {
                work.sendSeed(bus, d, null);
            }
        }
        nextRefresh = now + REFRESH.toNanos();
    }

    /**
     * The device of a poll message sent at {@code sentAt} (epoch ms by its sender's clock, which may be {@code skewMs}
     * off): read the inventory again (once per such message at the most) when the message is newer than the last read;
     * null if the device is not in the inventory.
     */
    Device find(BusConnection bus, String identity, long sentAt, long skewMs) throws JMSException {
        Device d = devices.get(identity);
        if (d == null && readAt <= sentAt + skewMs) {
            nextRefresh = 0;
            refresh(bus);
            d = devices.get(identity);
        }
        return d;
    }
}
