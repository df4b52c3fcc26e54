package io.junction.poll.site;

import io.junction.client.BusConnection;
import io.junction.client.Json;
import io.junction.client.TenantAddresses;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a poller or trap receiver says of itself, every {@link #EVERY}, on its tenant's {@code tenant.ID.pollers}: a
 * last-value queue that keeps the latest announcement of each announcer, browsed by {@code junction poller status}.
 * An announcement is not persistent and expires after {@link #LIFETIME}: a poller that is gone (killed, or cut off with
 * its site) drops out of the status by itself, and its site's devices are then unknown, never down. Documented in
 * docs/messages.md.
 */
public final class Announcement {
    public static final Duration EVERY = Duration.ofSeconds(10);
    /** Three announcements missed: the announcer is gone. */
    public static final Duration LIFETIME = Duration.ofSeconds(35);
    public static final String KIND = "poller";
    private static final String VERSION = version();
    private static final String HOST = host();
    private static final long PID = ProcessHandle.current().pid();
    /** Containers on one host may share its name and process ids: a random word tells their processes apart. */
    private static final String PROCESS = Long.toString(PID) + "-" + Integer.toHexString(new java.security.SecureRandom().nextInt(1 << 24));
    private static final Instant STARTED = Instant.now();

    private final String tenant;
    private final String site;
    private final String role;
    private final String id;
    private long nextAt;

    /** The announcer of {@code role} ({@code poller} or {@code traps}) for {@code site} of {@code tenant} in this process. */
    public Announcement(String tenant, String site, String role) {
        this.tenant = TenantAddresses.checkId(tenant);
        this.site = site;
        this.role = role;
        this.id = HOST + ":" + PROCESS + ":" + role + ":" + tenant + "/" + site;
        this.nextAt = System.nanoTime();
    }

    /** This announcer's name: host, process (its id and a random word), role, tenant and site. */
    public String id() {
        return id;
    }

    /** Whether the next announcement is due. */
    public boolean due() {
        return System.nanoTime() - nextAt >= 0;
    }

    /** Announces {@code figures} (what this announcer counts) now. */
    public void send(BusConnection bus, Map<String, Object> figures) throws JMSException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", 1);
        body.put("kind", KIND);
        body.put("poller", id);
        body.put("role", role);
        body.put("tenant", tenant);
        body.put("site", site);
        body.put("version", VERSION);
        body.put("host", HOST);
        body.put("started", STARTED.toString());
        body.put("time", Instant.now().toString());
        body.put("every", EVERY.toMillis());
        body.putAll(figures);
        Queue queue = bus.session().createQueue(TenantAddresses.pollers(tenant));
        TextMessage m = bus.session().createTextMessage(Json.write(body));
        m.setStringProperty(TenantAddresses.ANNOUNCER, id);
        m.setStringProperty("kind", KIND);
        m.setStringProperty("site", site);
        bus.producer(queue).send(m, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, LIFETIME.toMillis());
        nextAt = System.nanoTime() + EVERY.toNanos();
    }

    private static String version() {
        String v = Announcement.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
