package io.junction.poll.site;

import io.junction.client.BusConnection;
import io.junction.client.BusRetry;
import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.TenantAddresses;
import io.junction.poll.profile.Profile;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.spool.Forwarder;
import io.junction.poll.spool.Spool;
import io.junction.poll.spool.SpoolSettings;
import io.junction.poll.spool.Spooled;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poller of one site of one tenant: the site's live pollers share its devices through the bus. Each device's next
 * poll is a message on the site's work queue ({@code tenant.ID.work.SITE}), scheduled for its due time. A poller
 * takes one, polls the device, publishes the metrics, any events and the device's next poll message, each with a
 * duplicate-detection id derived from the device and the due time, and only then acknowledges it. A poller that dies
 * leaves its messages unacknowledged and the broker hands them to the others; a retry is never stored twice. The
 * device's last known state travels in its poll message, so a transition is reported once whoever polls next.
 */
public final class SitePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SitePoller.class);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** How far the clocks of a site's pollers may disagree: a poll message's timestamp is its sender's clock. */
    private static final long CLOCK_SKEW_MS = 5_000;
    /**
     * A poll message later than its interval and this is of a chain that stalled (its poller was cut off with the bus,
     * or every poller of the site was): a dead poller's are handed out again within about 12 s.
     */
    private static final long STALE_MS = 30_000;
    /**
     * Unless the URL says otherwise: a dead poller's connection is noticed within 10 s (its polls go to the others), and
     * it holds at most about a hundred poll messages it has not begun, so that the site's pollers share them.
     */
    private static final List<String> CONNECTION = List.of("connectionTTL=10000", "clientFailureCheckPeriod=2000", "consumerWindowSize=32768");

    private final Credentials login;
    private final String tenant;
    private final String site;
    private final String who;
    private final Map<String, Profile> profiles;
    private final SnmpPoller snmp;
    private final int maxPolls;
    private final ConcurrentLinkedQueue<Completed> completed = new ConcurrentLinkedQueue<>();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final PollFigures figures = new PollFigures();
    private final Announcement announcement;
    private final Spool spool;
    private final HeldDevices held;
    private final OfflinePolls offline;
    private final WorkQueue work;
    private final SiteDevices inventory;
    private volatile boolean running = true;
    private volatile long lastOk = System.nanoTime();
    /** When a call on the bus last worked, as a wall-clock time; 0 until one has in this process. */
    private volatile long lastOkAt;
    private volatile String broker;
    private int inFlight;
    /** Whether the chains of the held devices go on from what this poller found while the bus was unreachable. */
    private boolean resume;

    private record Completed(Message message, Device device, long due, DeviceState state, PollResult result) {
    }

    private SitePoller(Credentials login, String tenant, String site, Map<String, Profile> profiles, SnmpPoller snmp, int maxPolls,
                       SpoolSettings spooling) throws IOException {
        this.login = login;
        this.tenant = TenantAddresses.checkId(tenant);
        this.site = site;
        this.who = "Site poller " + tenant + "/" + site;
        this.profiles = profiles;
        this.snmp = snmp;
        this.maxPolls = maxPolls;
        this.thread = new Thread(this::run, "junction-site-poller-" + tenant + "-" + site);
        this.announcement = new Announcement(tenant, site, "poller");
        Path dir = spooling.siteDir(tenant, site);
        this.spool = Spool.open(dir, spooling.maxBytes(), spooling.maxAge());
        try {
            this.held = HeldDevices.load(dir.resolve("held.json"), spooling.maxAge());
            held.restore(spool.notes());
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e instanceof IOException io ? io : new IOException("spool " + dir + " cannot be read: " + e.getMessage(), e);
        }
        this.resume = spool.waiting() > 0;
        this.work = new WorkQueue(tenant, site, PATIENCE.multipliedBy(6));
        this.inventory = new SiteDevices(login, tenant, site, work);
        this.offline = new OfflinePolls(who, held, spool, snmp, profiles, busy, maxPolls, spooling.offlineAfter(), () -> lastOk,
                () -> lastOkAt);
    }

    /**
     * Starts polling {@code site} of {@code tenant} as {@code login} (a poller of the tenant), keeping what it cannot
     * publish as {@code spooling} says; returns at once. Fails if the spool cannot be opened (another poller has it).
     */
    public static SitePoller start(Credentials login, String tenant, String site, Map<String, Profile> profiles, SnmpPoller snmp, int maxPolls,
                                   SpoolSettings spooling) throws IOException {
        SitePoller poller = new SitePoller(login, tenant, site, profiles, snmp, maxPolls, spooling);
        poller.thread.start();
        return poller;
    }

    /** The site's work queue: {@code tenant.ID.work.SITE}. */
    public static String workQueue(String tenant, String site) {
        return WorkQueue.name(tenant, site);
    }

    /** Polls finished so far, published or spooled. */
    public long polls() {
        return figures.polls() + offline.polls();
    }

    /** Polls made while the bus was unreachable. */
    public long offlinePolls() {
        return offline.polls();
    }

    /**
     * Due times that went by without a poll: a poll that began late (the poller busy) or ran longer than its interval
     * skips the slots in between, never stacks a second poll of the device on the first.
     */
    public long skipped() {
        return figures.skipped();
    }

    /** The spool: what waits for the bus, and what was dropped. */
    public Spool spool() {
        return spool;
    }

    /** The host:port of the broker this poller is connected to (null before it is). */
    public String broker() {
        return broker;
    }

    public Map<String, Device> devices() {
        return inventory.all();
    }

    private void run() {
        BusConnection bus = null;
        BusRetry retry = new BusRetry(who);
        MessageConsumer consumer = null;
        long opened = -1;
        while (running) {
            try {
                if (bus == null) {
                    bus = BusConnection.openIndividual(login.at(ClientUrls.withDefaults(login.url(), CONNECTION)), PATIENCE);
                    worked();
                }
                if (offline.active()) {
                    // a round trip on this connection before the poller stops polling on its own
                    bus.session().createConsumer(bus.session().createQueue(workQueue(tenant, site))).close();
                    worked();
                    spoolCompleted(true);
                    resume |= offline.finish(Duration.ofMinutes(2));
                    // polls this poller began before the outage end in the spool too, before the chains resume
                    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    while (inFlight > 0 && System.nanoTime() < until) {
                        Thread.sleep(20);
                        spoolCompleted(true);
                    }
                }
                if (spool.waiting() > 0) {
                    long n = Forwarder.forward(spool, login, PATIENCE, this::forwarding);
                    LOG.info("{}: forwarded {} spooled messages ({} dropped over the spool's bounds so far)", who, n, spool.dropped());
                }
                if (resume) {
                    resume(bus);
                }
                if (consumer == null || opened != bus.reopened()) {
                    consumer = bus.session().createConsumer(bus.session().createQueue(workQueue(tenant, site)));
                    opened = bus.reopened();
                }
                inventory.refresh(bus);
                announce(bus);
                // a completion whose publishing fails stays first: published again (its duplicates dropped) once the
                // connection is back, and its poll message acknowledged then, never left unacknowledged on a live session
                Completed done;
                boolean roundTrip = false;
                while ((done = completed.peek()) != null) {
                    publish(bus, done);
                    completed.poll();
                    roundTrip = true;
                }
                if (inFlight < maxPolls) {
                    Message m = consumer.receive(50);
                    if (m != null) {
                        take(bus, m);
                        roundTrip = true;
                    }
                } else {
                    Thread.sleep(20);
                }
                // an empty receive proves little (the client may be reconnecting): it keeps the poller from going on
                // its own, but the time of the cut is that of the last message that went through
                if (roundTrip) {
                    worked();
                } else {
                    lastOk = System.nanoTime();
                }
                offline.watch();
                broker = bus.broker();
                held.expire();
                held.save(false);
                retry.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (JMSException | IOException | RuntimeException e) {
                offline.failed();
                spoolCompleted(false);
                if (!running || !retry.failed(bus, e)) {
                    break;
                }
                spoolCompleted(false);
            }
        }
        retry.close(bus);
    }

    private void forwarding() {
        worked();
    }

    /** A call on the bus worked. */
    private void worked() {
        lastOk = System.nanoTime();
        lastOkAt = System.currentTimeMillis();
    }

    private void announce(BusConnection bus) throws JMSException {
        if (announcement.due()) {
            Map<String, Object> f = figures.announced(inFlight, completed.size());
            f.put("offlinePolls", offline.polls());
            f.put("spooled", spool.waiting());
            f.put("spooledBytes", spool.waitingBytes());
            f.put("spoolDropped", spool.dropped());
            announcement.send(bus, f);
        }
    }

    /**
     * While the bus is unreachable ({@code now}: and until its chains resume): polls this poller finished go to the
     * spool, their poll messages being lost with the connection.
     */
    private void spoolCompleted(boolean now) {
        if (!now && !offline.active()) {
            return;
        }
        Completed c;
        while ((c = completed.poll()) != null) {
            try {
                for (Spooled s : PollMessages.spooled(c.device(), c.due(), c.state(), c.result())) {
                    spool.append(s);
                }
                held.polled(c.device(), inventory.spec(c.device().identity()), c.due(), c.state().after(c.result()));
            } catch (IOException | RuntimeException e) {
                LOG.error("{}: the spool cannot keep the poll of {}: {}", who, c.device(), e.toString());
            }
            busy.remove(c.device().identity());
            inFlight--;
        }
    }

    /** After an outage: each held device's polls go on from the slot after its last, with what was found then. */
    private void resume(BusConnection bus) throws JMSException {
        long now = System.currentTimeMillis();
        for (HeldDevices.Held h : held.all()) {
            Device d = h.device();
            work.sendPoll(bus, d, PollSchedule.nextDue(d.identity(), d.interval().toMillis(), Math.max(now, h.lastDue())), h.state());
            worked();
        }
        LOG.info("{}: the polls of {} devices go on from where this poller left them", who, held.size());
        resume = false;
        held.save(true);
    }

    private void take(BusConnection bus, Message m) throws JMSException {
        JsonObject poll = JsonLoader.readObject(new StringReader(((TextMessage) m).getText()));
        String identity = poll.getString("identity");
        long due = poll.getJsonNumber("due").longValue();
        Device d = inventory.find(bus, identity, m.getJMSTimestamp(), CLOCK_SKEW_MS);
        if (d == null) {
            LOG.info("{}: {} is no longer in the inventory; its polls end", who, identity);
            m.acknowledge();
            return;
        }
        long now = System.currentTimeMillis();
        long interval = d.interval().toMillis();
        DeviceState state = DeviceState.of(poll.getJsonObject("state"));
        HeldDevices.Held mine = held.get(identity);
        if (poll.getBoolean("seed", false)) {
            // a seed starts a device's chain of polls unless one runs: its poll message for the next due time is a
            // duplicate of the chain's, which was sent half an interval ago, and the broker drops it
            work.sendPoll(bus, d, PollSchedule.nextDue(identity, interval, now), state);
        } else if (mine != null && mine.lastDue() >= due) {
            // this poller polled that slot while the bus was unreachable: the chain goes on from what it found
            work.sendPoll(bus, d, PollSchedule.nextDue(identity, interval, Math.max(now, mine.lastDue())), mine.state());
        } else if (now - due > interval + STALE_MS) {
            // a chain that stalled with the bus: it starts again from the next slot with its state, unless the poller
            // that polled it meanwhile has resumed it already (its poll message for that slot is then first)
            work.sendSeed(bus, d, state);
        } else if (busy.add(identity)) {
            Device device = d;
            inFlight++;
            snmp.poll(device, wanted(profiles, device, who)).whenComplete((r, e) -> completed.add(new Completed(m, device, due, state, r)));
            return;
        } else {
            // being polled here already (it began while the bus was unreachable): that poll's result is spooled for
            // this slot, and the chain goes on from the next
            work.sendPoll(bus, d, PollSchedule.nextDue(identity, interval, Math.max(now, due)), state);
        }
        m.acknowledge();
    }

    /** The profiles {@code d} names that this poller has; those it lacks are logged. */
    static List<Profile> wanted(Map<String, Profile> profiles, Device d, String who) {
        List<Profile> wanted = new ArrayList<>();
        for (String name : d.profiles()) {
            Profile p = profiles.get(name);
            if (p == null) {
                LOG.warn("{}: device {} names profile {}, which is not in etc/profiles", who, d.name(), name);
            } else {
                wanted.add(p);
            }
        }
        return wanted;
    }

    /** Metrics, then events, then the next poll, each at most once per due time; then the poll message is done. */
    private void publish(BusConnection bus, Completed c) throws JMSException {
        Device d = c.device();
        PollResult r = c.result();
        for (Spooled s : PollMessages.of(d, c.due(), c.state(), r)) {
            Forwarder.send(bus, s, PATIENCE.multipliedBy(6));
        }
        long next = PollSchedule.nextDue(d.identity(), d.interval().toMillis(), Math.max(System.currentTimeMillis(), c.due()));
        DeviceState after = c.state().after(r);
        work.sendPoll(bus, d, next, after);
        figures.polled(d, c.due(), next, r.durationMs());
        held.polled(d, inventory.spec(d.identity()), c.due(), after);
        busy.remove(d.identity());
        inFlight--;
        try {
            c.message().acknowledge();
        } catch (JMSException | RuntimeException e) {
            // a message of a connection that failed over: the broker hands it out again, and the sends above are duplicates
            LOG.debug("{}: acknowledging a poll of {} failed: {}", who, d.name(), e.toString());
        }
    }

    /** Stops taking polls; those under way are left to the broker to hand out again. The spool is closed. */
    @Override
    public void close() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        thread.join(30_000);
        offline.close();
        held.save(true);
        try {
            spool.close();
        } catch (IOException e) {
            LOG.warn("{}: closing the spool: {}", who, e.toString());
        }
    }
}
