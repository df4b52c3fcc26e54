package io.junction.consume.event;

import io.junction.client.Credentials;
import io.junction.consume.store.EventStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a site that lost its pollers from devices that are down: a site whose pollers and trap receivers have all
 * stopped announcing themselves (on {@code tenant.ID.pollers}, every 10 s, each announcement living 35 s) for
 * {@link #GRACE} gets one {@code site-pollers-lost} event (device {@code @SITE}, major), whatever its devices; when one
 * announces itself again, a {@code site-pollers-back} event closes it. Its devices meanwhile are {@code unknown} in the
 * API (no poll within the heartbeat), never down: dead pollers send no device events. A site is watched once an
 * announcement of it has been seen by this process, or while a problem of it is open. The announcements are read
 * from every broker of the bus URL (they are not redistributed); a look that reads no broker judges nothing, so a
 * consumers process cut off from the bus does not declare every site lost.
 */
public final class SiteWatch {
    private static final Logger LOG = LoggerFactory.getLogger(SiteWatch.class);
    /** How long a site may go without an announcement before it is lost: more than an announcement lives. */
    public static final Duration GRACE = Duration.ofSeconds(45);
    public static final String LOST = "site-pollers-lost";
    public static final String BACK = "site-pollers-back";

    /** Reads which sites have a live announcement now; empty when no broker could be read. */
    public interface Announcements {
        Optional<Set<String>> sites() throws Exception;
    }

    private final String tenant;
    private final EventStore store;
    private final Announcements announcements;
    private final Duration grace;
    private final Map<String, Instant> lastSeen = new HashMap<>();
    private final Set<String> lost = new HashSet<>();

    public SiteWatch(String tenant, EventStore store, Announcements announcements, Duration grace) throws SQLException {
        this.tenant = tenant;
        this.store = store;
        this.announcements = announcements;
        this.grace = grace;
        lost.addAll(openLost());
    }

    private Set<String> openLost() throws SQLException {
        Set<String> out = new HashSet<>();
        for (EventStore.Stored s : store.problems(new EventStore.Query(tenant, true, null, null, null, 10_000))) {
            if (s.problem().type().equals(LOST)) {
                out.add(s.problem().site());
            }
        }
        return out;
    }

    /** The site of a device name this watch gives its events ({@code @SITE}). */
    public static String device(String site) {
        return "@" + site;
    }

    /** One look at {@code now}; returns the sites whose state changed. */
    public synchronized Set<String> look(Instant now) throws Exception {
        Optional<Set<String>> read = announcements.sites();
        if (read.isEmpty()) {
            return Set.of();
        }
        Set<String> alive = read.get();
        // the store says which sites are lost, not this process's memory: another process sharing it may have
        // opened or closed a site's problem
        lost.clear();
        lost.addAll(openLost());
        Set<String> changed = new HashSet<>();
        for (String site : alive) {
            lastSeen.put(site, now);
            if (lost.contains(site)) {
                record(site, BACK, "normal", now, "a poller or trap receiver of site " + site + " announces itself again");
                lost.remove(site);
                changed.add(site);
            }
        }
        for (Map.Entry<String, Instant> e : lastSeen.entrySet()) {
            String site = e.getKey();
            if (!alive.contains(site) && !lost.contains(site) && !e.getValue().plus(grace).isAfter(now)) {
                record(site, LOST, "major", now, "no poller or trap receiver of site " + site + " has announced itself since " + e.getValue()
                        + ": its devices are unknown, not down");
                lost.add(site);
                changed.add(site);
            }
        }
        return changed;
    }

    private void record(String site, String type, String severity, Instant now, String detail) throws SQLException {
        // one id per site, change and minute: processes sharing the store that see it in the same minute record it once
        String id = "site/" + site + "/" + type + "/" + now.getEpochSecond() / 60;
        store.record(tenant, id, new Incoming(tenant, site, device(site), type, "", severity, now), detail);
        LOG.info("{}: {} ({})", tenant, detail, type);
    }

    /** The sites of {@code tenant} with a live announcement on any broker of {@code login}'s URL. */
    public static Announcements fromBus(Credentials login, String tenant) {
        return () -> io.junction.client.Announcements.everyBroker(login, tenant).map(all -> {
            Set<String> sites = new HashSet<>();
            all.forEach(a -> sites.add(a.getString("site")));
            return sites;
        });
    }
}
