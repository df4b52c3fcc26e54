package io.junction.poll.site;

import io.junction.client.BusConnection;
import io.junction.client.BusRetry;
import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import io.junction.client.TenantAddresses;
import io.junction.poll.message.MetricsMessage;
import io.junction.poll.profile.Profile;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PollResult;
import io.junction.poll.snmp.SnmpPoller;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** How often the inventory is read again (new devices are seeded at once; a full reseed every tenth time). */
    private static final Duration REFRESH = Duration.ofSeconds(30);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** How far the clocks of a site's pollers may disagree: a poll message's timestamp is its sender's clock. */
    private static final long CLOCK_SKEW_MS = 5_000;
    /**
     * Unless the URL says otherwise: a dead poller's connection is noticed within 10 s (its polls go to the others), and
     * it holds at most about a hundred poll messages it has not begun, so that the site's pollers share them.
     */
    private static final List<String> CONNECTION = List.of("connectionTTL=10000", "clientFailureCheckPeriod=2000", "consumerWindowSize=32768");

    private final Credentials login;
    private final String tenant;
    private final String site;
    private final Map<String, Profile> profiles;
    private final SnmpPoller snmp;
    private final int maxPolls;
    private final ConcurrentLinkedQueue<Completed> completed = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final PollFigures figures = new PollFigures();
    private final Announcement announcement;
    private volatile boolean running = true;
    private volatile Map<String, Device> devices = Map.of();
    private int inFlight;
    private long nextRefresh;
    private int refreshes;
    /** When the inventory was last read (epoch ms): a poll of a device it lacks, sent before then, is of a removed device. */
    private long inventoryReadAt;

    private record Completed(Message message, Device device, long due, DeviceState state, PollResult result) {
    }

    private SitePoller(Credentials login, String tenant, String site, Map<String, Profile> profiles, SnmpPoller snmp, int maxPolls) {
        this.login = login;
        this.tenant = TenantAddresses.checkId(tenant);
        this.site = site;
        this.profiles = profiles;
        this.snmp = snmp;
        this.maxPolls = maxPolls;
        this.thread = new Thread(this::run, "junction-site-poller-" + tenant + "-" + site);
        this.announcement = new Announcement(tenant, site, "poller");
    }

    /** Starts polling {@code site} of {@code tenant} as {@code login} (a poller of the tenant); returns at once. */
    public static SitePoller start(Credentials login, String tenant, String site, Map<String, Profile> profiles, SnmpPoller snmp, int maxPolls) {
        SitePoller poller = new SitePoller(login, tenant, site, profiles, snmp, maxPolls);
        poller.thread.start();
        return poller;
    }

    /** The site's work queue: {@code tenant.ID.work.SITE}. */
    public static String workQueue(String tenant, String site) {
        return TenantAddresses.prefix(tenant) + "work." + site;
    }

    /** Polls finished and published so far. */
    public long polls() {
        return figures.polls();
    }

    /**
     * Due times that went by without a poll: a poll that began late (the poller busy) or ran longer than its interval
     * skips the slots in between, never stacks a second poll of the device on the first.
     */
    public long skipped() {
        return figures.skipped();
    }

    public Map<String, Device> devices() {
        return devices;
    }

    private void run() {
        BusConnection bus = null;
        BusRetry retry = new BusRetry("Site poller " + tenant + "/" + site);
        MessageConsumer consumer = null;
        long opened = -1;
        while (running) {
            try {
                if (bus == null) {
                    bus = BusConnection.openIndividual(login.at(ClientUrls.withDefaults(login.url(), CONNECTION)), PATIENCE);
                }
                if (consumer == null || opened != bus.reopened()) {
                    consumer = bus.session().createConsumer(bus.session().createQueue(workQueue(tenant, site)));
                    opened = bus.reopened();
                }
                refresh(bus);
                if (announcement.due()) {
                    announcement.send(bus, figures.announced(inFlight, completed.size()));
                }
                // a completion whose publishing fails stays first: published again (its duplicates dropped) once the
                // connection is back, and its poll message acknowledged then, never left unacknowledged on a live session
                Completed done;
                while ((done = completed.peek()) != null) {
                    publish(bus, done);
                    completed.poll();
                }
                if (inFlight < maxPolls) {
                    Message m = consumer.receive(50);
                    if (m != null) {
                        take(bus, m);
                    }
                } else {
                    Thread.sleep(20);
                }
                retry.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (JMSException | RuntimeException e) {
                if (!running || !retry.failed(bus, e)) {
                    break;
                }
            }
        }
        retry.close(bus);
    }

    /** Reads the inventory when due; seeds new devices, and every device now and then (a lost chain is found again). */
    private void refresh(BusConnection bus) throws JMSException {
        long now = System.nanoTime();
        if (now < nextRefresh) {
            return;
        }
        long readAt = System.currentTimeMillis();
        Map<String, Device> fresh = SiteInventory.fetch(login, tenant, site);
        inventoryReadAt = readAt;
        Map<String, Device> before = devices;
        devices = fresh;
        boolean all = refreshes++ % 20 == 0;
        for (Device d : fresh.values()) {
            if (all || !before.containsKey(d.identity())) {
                sendSeed(bus, d);
            }
        }
        nextRefresh = now + REFRESH.toNanos();
    }

    private void take(BusConnection bus, Message m) throws JMSException {
        JsonObject poll = JsonLoader.readObject(new StringReader(((TextMessage) m).getText()));
        String identity = poll.getString("identity");
        long due = poll.getJsonNumber("due").longValue();
        Device d = devices.get(identity);
        if (d == null && inventoryReadAt <= m.getJMSTimestamp() + CLOCK_SKEW_MS) {
            // a device added after the inventory was read: read it again (once per such message at the most)
            nextRefresh = 0;
            refresh(bus);
            d = devices.get(identity);
        }
        if (d == null) {
            LOG.info("Site poller {}/{}: {} is no longer in the inventory; its polls end", tenant, site, identity);
            m.acknowledge();
            return;
        }
        List<Profile> wanted = new ArrayList<>();
        for (String name : d.profiles()) {
            Profile p = profiles.get(name);
            if (p == null) {
                LOG.warn("Site poller {}/{}: device {} names profile {}, which is not in etc/profiles", tenant, site, d.name(), name);
            } else {
                wanted.add(p);
            }
        }
        if (poll.getBoolean("seed", false)) {
            // a seed starts a device's chain of polls unless one runs: its poll message for the next due time is a
            // duplicate of the chain's, which was sent half an interval ago, and the broker drops it
            sendPoll(bus, d, PollSchedule.nextDue(identity, d.interval().toMillis(), System.currentTimeMillis()), DeviceState.UNKNOWN);
            m.acknowledge();
            return;
        }
        DeviceState state = DeviceState.of(poll.getJsonObject("state"));
        Device device = d;
        inFlight++;
        snmp.poll(device, wanted).whenComplete((r, e) -> completed.add(new Completed(m, device, due, state, r)));
    }

    /** Metrics, then events, then the next poll, each at most once per due time; then the poll message is done. */
    private void publish(BusConnection bus, Completed c) throws JMSException {
        Device d = c.device();
        PollResult r = c.result();
        Topic metrics = bus.session().createTopic(TenantAddresses.metrics(tenant));
        TextMessage result = bus.session().createTextMessage(MetricsMessage.json(r));
        for (Map.Entry<String, String> p : MetricsMessage.properties(r).entrySet()) {
            result.setStringProperty(p.getKey(), p.getValue());
        }
        result.setStringProperty(ReliableSender.DUPLICATE_ID, PollSchedule.metricsId(d.identity(), c.due()));
        new ReliableSender(bus, metrics, PATIENCE.multipliedBy(6)).send(result);
        Topic events = bus.session().createTopic(TenantAddresses.events(tenant));
        for (DeviceState.Transition t : c.state().transitions(r)) {
            TextMessage event = bus.session().createTextMessage(EventMessage.json(d, r.startedAt(), t));
            for (Map.Entry<String, String> p : EventMessage.properties(d, t).entrySet()) {
                event.setStringProperty(p.getKey(), p.getValue());
            }
            event.setStringProperty(ReliableSender.DUPLICATE_ID, PollSchedule.eventId(d.identity(), c.due(), t.type(), t.instance()));
            new ReliableSender(bus, events, PATIENCE.multipliedBy(6)).send(event);
        }
        long next = PollSchedule.nextDue(d.identity(), d.interval().toMillis(), Math.max(System.currentTimeMillis(), c.due()));
        sendPoll(bus, d, next, c.state().after(r));
        figures.polled(d, c.due(), next, r.durationMs());
        inFlight--;
        try {
            c.message().acknowledge();
        } catch (JMSException | RuntimeException e) {
            // a message of a connection that failed over: the broker hands it out again, and the sends above are duplicates
            LOG.debug("Site poller {}/{}: acknowledging a poll of {} failed: {}", tenant, site, d.name(), e.toString());
        }
    }

    /**
     * A seed for {@code d}: due half way between two of its due times, when a running chain has sent its next poll
     * message already, so that the seed's (sent when it is taken) is a duplicate and the chain keeps the device's state.
     */
    private void sendSeed(BusConnection bus, Device d) throws JMSException {
        long interval = d.interval().toMillis();
        long due = PollSchedule.nextDue(d.identity(), interval, System.currentTimeMillis()) + interval / 2;
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("identity", d.identity());
        body.put("device", d.name());
        body.put("due", due);
        body.put("seed", true);
        send(bus, d, body, due, "seed/" + d.identity() + "/" + due);
    }

    private void sendPoll(BusConnection bus, Device d, long due, DeviceState state) throws JMSException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("identity", d.identity());
        body.put("device", d.name());
        body.put("due", due);
        body.put("state", state.json());
        send(bus, d, body, due, PollSchedule.pollId(d.identity(), due));
    }

    private void send(BusConnection bus, Device d, Map<String, Object> body, long due, String id) throws JMSException {
        Queue work = bus.session().createQueue(workQueue(tenant, site));
        TextMessage m = bus.session().createTextMessage(io.junction.client.Json.write(body));
        m.setStringProperty("kind", "poll");
        m.setStringProperty("device", d.name());
        m.setLongProperty("_AMQ_SCHED_DELIVERY", due);
        m.setStringProperty(ReliableSender.DUPLICATE_ID, id);
        new ReliableSender(bus, work, PATIENCE.multipliedBy(6)).send(m);
    }

    /** Stops taking polls; those under way are left to the broker to hand out again. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
