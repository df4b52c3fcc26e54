package io.junction.poll.trap;

import io.junction.client.BusConnection;
import io.junction.client.BusRetry;
import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import io.junction.client.TenantAddresses;
import io.junction.poll.site.Announcement;
import io.junction.poll.site.SiteInventory;
import io.junction.poll.snmp.AuthProtocol;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PrivProtocol;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.SNMP4JSettings;
import org.snmp4j.event.CounterEvent;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * The trap receiver of one site of one tenant: SNMP v1 and v2c traps, v2c and v3 informs (answered) and v3 traps
 * (the users of the site's SNMPv3 devices, localized for each sender's engine id as it is first seen) on one UDP port.
 * The sender is matched to a device of the site by the address it claims ({@code snmpTrapAddress.0}, or a v1 trap's
 * agent address), then by the address the packet came from: routers send from other interfaces and NAT rewrites
 * sources. Each trap of a device becomes an event on {@code tenant.ID.events} named and graded by {@link TrapRules}.
 * A sender that is no device of the site becomes one {@code trap-unknown-sender} event an hour, however many traps it
 * sends. Each sender may send {@code rate} traps a second; the rest are dropped, counted, and reported in one
 * {@code trap-storm} event when the storm ends. Packets that are no SNMP, or that USM refuses, are counted (and
 * logged once a minute when there were any) and never stop the receiver.
 * <p>
 * Receiving never waits for the bus: events wait in a bounded queue for the publishing thread (each with a
 * duplicate-detection id, so a send retried after a failover is stored once); when the queue is full, as when the bus
 * is gone for long, the newest are dropped and counted.
 */
public final class TrapReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrapReceiver.class);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final Duration REFRESH = Duration.ofSeconds(30);
    private static final long UNKNOWN_SENDER_REPEAT_MS = 3_600_000;
    private static final int MAX_UNKNOWN_SENDERS = 10_000;
    private static final int RECEIVE_BUFFER = 4 << 20;
    /** What USM refuses for bad credentials (an unknown engine id or time is part of an inform sender's discovery). */
    private static final Set<OID> REFUSED = Set.of(SnmpConstants.usmStatsUnknownUserNames, SnmpConstants.usmStatsWrongDigests,
            SnmpConstants.usmStatsDecryptionErrors, SnmpConstants.usmStatsUnsupportedSecLevels);
    /** What USM answers in a sender's discovery: well-formed messages that carry no PDU for the receiver. */
    private static final Set<OID> DISCOVERY = Set.of(SnmpConstants.usmStatsUnknownEngineIDs, SnmpConstants.usmStatsNotInTimeWindows);

    /** Where to listen, how many traps a sender may send a second, how many events may wait for the bus, and the rules. */
    public record Settings(String address, int port, int rate, int queue, TrapRules rules) {
    }

    private final Credentials login;
    private final String tenant;
    private final String site;
    private final Settings settings;
    private final SourceLimiter limiter;
    private final BlockingQueue<TrapEvent> pending;
    private final Map<String, Long> unknownSenders = new LinkedHashMap<>();
    private final MessageDispatcherImpl dispatcher;
    private final DefaultUdpTransportMapping transport;
    private final USM usm;
    private final Thread publisher;
    private final Announcement announcement;
    private volatile Map<String, Device> byAddress = Map.of();
    private Set<String> v3Users = Set.of();
    private volatile boolean running = true;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong rateDropped = new AtomicLong();
    private final AtomicLong queueDropped = new AtomicLong();
    /** Datagrams the dispatcher was handed, and those it understood: a PDU, or a USM refusal or discovery. */
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong understood = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong fromUnknown = new AtomicLong();

    private TrapReceiver(Credentials login, String tenant, String site, Settings settings, Map<String, Device> devices) throws IOException {
        this.login = login;
        this.tenant = TenantAddresses.checkId(tenant);
        this.site = site;
        this.settings = settings;
        this.limiter = new SourceLimiter(settings.rate());
        this.pending = new ArrayBlockingQueue<>(settings.queue());
        SNMP4JSettings.setReportSecurityLevelStrategy(SNMP4JSettings.ReportSecurityLevelStrategy.noAuthNoPrivIfNeeded);
        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
        OctetString localEngine = new OctetString(MPv3.createLocalEngineID());
        CounterSupport counters = new CounterSupport();
        counters.addCounterListener(this::counted);
        usm = new USM(protocols, localEngine, 0, counters);
        SecurityModels models = new SecurityModels();
        models.addSecurityModel(usm);
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addCounterListener(this::counted);
        dispatcher.addMessageProcessingModel(new MPv1());
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(new MPv3(localEngine.getValue(), null, protocols, models, counters));
        use(devices);
        UdpAddress listen = new UdpAddress(InetAddress.getByName(settings.address()), settings.port());
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(listen);
        // room for a burst while the receiving thread is busy (the kernel caps it at net.core.rmem_max)
        transport.setReceiveBufferSize(RECEIVE_BUFFER);
        this.dispatcher = dispatcher;
        this.transport = transport;
        // a plain command responder, not SNMP4J's notification listener (which answers every inform before it is
        // seen): an inform is answered once its event is queued, so one that is dropped is sent again by its sender
        CommandResponder responder = this::take;
        dispatcher.addCommandResponder(responder);
        transport.addTransportListener(dispatcher);
        transport.listen();
        publisher = new Thread(this::publish, "junction-trap-publisher-" + tenant + "-" + site);
        announcement = new Announcement(tenant, site, "traps");
    }

    /**
     * Reads the site's devices as {@code login} (a poller of the tenant), listens on the settings' port and starts
     * publishing; throws when the devices cannot be read or the port cannot be bound.
     */
    public static TrapReceiver start(Credentials login, String tenant, String site, Settings settings) throws IOException, JMSException {
        TrapReceiver receiver = new TrapReceiver(login, tenant, site, settings, SiteInventory.fetch(login, tenant, site));
        receiver.publisher.start();
        return receiver;
    }

    /** Traps and informs taken in (rate-limited ones included). */
    public long received() {
        return received.get();
    }

    /** Events published to the bus. */
    public long published() {
        return published.get();
    }

    /** Traps dropped over a sender's rate limit. */
    public long rateDropped() {
        return rateDropped.get();
    }

    /** Events dropped because the queue for the bus was full. */
    public long queueDropped() {
        return queueDropped.get();
    }

    /**
     * Datagrams that were no SNMP message this receiver could read: all it was handed but those that gave a PDU or a
     * USM answer (SNMP4J counts only some kinds of garbage itself).
     */
    public long malformed() {
        return Math.max(0, packets.get() - understood.get());
    }

    /**
     * Traps refused for their credentials: a community or SNMPv3 user other than the matched device's, or a message
     * USM refused (unknown user, wrong key, a security level the user does not have).
     */
    public long refused() {
        return refused.get();
    }

    /** Traps of senders that are no device of the site. */
    public long fromUnknownSenders() {
        return fromUnknown.get();
    }

    /** Events waiting for the bus. */
    public int waiting() {
        return pending.size();
    }

    private void counted(CounterEvent e) {
        if (e.getOid().equals(SnmpConstants.snmpInPkts)) {
            packets.incrementAndGet();
        } else if (REFUSED.contains(e.getOid())) {
            refused.incrementAndGet();
            understood.incrementAndGet();
        } else if (DISCOVERY.contains(e.getOid())) {
            understood.incrementAndGet();
        }
    }

    /** Devices by every address they answer at; SNMPv3 users from those that use SNMPv3. */
    private void use(Map<String, Device> devices) {
        Map<String, Device> index = new TreeMap<>();
        Map<String, UsmUser> users = new TreeMap<>();
        for (Device d : devices.values()) {
            String address = d.address();
            try {
                address = InetAddress.getByName(address).getHostAddress();
            } catch (IOException e) {
                LOG.warn("Trap receiver {}/{}: device {} has the address {}, which does not resolve: its traps cannot be matched", tenant, site,
                        d.name(), d.address());
            }
            // two devices at one address (other ports): the one at 161, else the first by name, gets its traps
            Device before = index.get(address);
            if (before == null || (d.port() == 161 && before.port() != 161)) {
                index.put(address, d);
            }
            if (d.snmp().version() == SnmpVersion.V3) {
                UsmUser other = users.putIfAbsent(d.snmp().user(), d.snmp().usmUser());
                if (other != null && !other.equals(d.snmp().usmUser())) {
                    LOG.warn("Trap receiver {}/{}: SNMPv3 user {} has other keys on device {}: its traps are checked with the first device's keys", tenant,
                            site, d.snmp().user(), d.name());
                }
            }
        }
        byAddress = Map.copyOf(index);
        Set<String> fingerprint = new java.util.TreeSet<>();
        users.values().forEach(u -> fingerprint.add(u.toString()));
        if (!fingerprint.equals(v3Users)) {
            usm.removeAllUsers();
            users.values().forEach(usm::addUser);
            v3Users = fingerprint;
        }
    }

    /** On SNMP4J's receiving thread: never waits. */
    private void take(CommandResponderEvent<?> event) {
        if (event.getPDU() == null || !(event.getPeerAddress() instanceof UdpAddress from)) {
            return;
        }
        understood.incrementAndGet();
        Notification n = Notification.of(event.getMessageProcessingModel(), event.getPDU());
        if (n == null) {
            return;
        }
        event.setProcessed(true);
        received.incrementAndGet();
        long now = System.currentTimeMillis();
        InetAddress source = from.getInetAddress();
        Device device = null;
        String matched = source.getHostAddress();
        for (String candidate : n.candidates(source)) {
            device = byAddress.get(candidate);
            if (device != null) {
                matched = candidate;
                break;
            }
        }
        // limited by where packets come from, whatever address they claim
        if (!limiter.allow(source.getHostAddress(), now)) {
            rateDropped.incrementAndGet();
            return;
        }
        Map<String, Object> trap = new LinkedHashMap<>();
        trap.put("oid", n.oid());
        TrapRules.Match rule = settings.rules().match(n.oid());
        if (!rule.name().isEmpty()) {
            trap.put("name", rule.name());
        }
        trap.put("version", n.version());
        trap.put("pdu", n.kind());
        trap.put("source", source.getHostAddress() + ":" + from.getPort());
        if (n.upTime() >= 0) {
            trap.put("upTime", n.upTime());
        }
        trap.put("varbinds", n.varbinds());
        if (device == null) {
            fromUnknown.incrementAndGet();
            if (firstInAWhile(source.getHostAddress(), now)) {
                offer(new TrapEvent(UUID.randomUUID().toString(), TrapEvent.UNKNOWN_SENDER, "warning", tenant, site, null, matched, now, trap,
                        "traps from " + matched + (n.claimedAddress() == null || n.claimedAddress().equals(source.getHostAddress()) ? "" :
                                " (claiming " + n.claimedAddress() + ")") + ", which is no device of site " + site + "; its traps are not published"
                                + " until it is added (this event comes once an hour per sender)"));
            }
            // taken in and handled as unknown: its sender need not send it again
            acknowledge(event);
            return;
        }
        if (!fromTheDevice(event, device)) {
            // anyone may claim a device's address: only its own credentials make the trap its
            refused.incrementAndGet();
            return;
        }
        if (offer(new TrapEvent(eventId(event, n), TrapEvent.TRAP, rule.severity(), tenant, site, device, matched, now, trap, ""))) {
            acknowledge(event);
        }
    }

    /**
     * The event's duplicate-detection id: random for a trap; for an inform, derived from its sender, request id and
     * varbinds, so that an inform sent again (its answer was lost) is stored once: the broker drops the second.
     */
    private static String eventId(CommandResponderEvent<?> event, Notification n) {
        PDU pdu = event.getPDU();
        if (pdu.getType() != PDU.INFORM) {
            return UUID.randomUUID().toString();
        }
        // hashed: the security name of a v2c inform is its community, and the id is a property every consumer reads
        UdpAddress from = (UdpAddress) event.getPeerAddress();
        String whole = from.getInetAddress().getHostAddress() + "/" + new OctetString(event.getSecurityName()) + "/" + pdu.getRequestID().getValue()
                + "/" + n.oid() + "/" + n.upTime() + "/" + n.varbinds();
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(whole.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "inform/" + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the trap carries the device's credentials: its community (v1, v2c), or its SNMPv3 user at its security level. */
    private static boolean fromTheDevice(CommandResponderEvent<?> event, Device device) {
        SnmpSettings s = device.snmp();
        String name = new OctetString(event.getSecurityName()).toString();
        if (event.getMessageProcessingModel() != MPv3.ID) {
            return s.version() != SnmpVersion.V3 && name.equals(s.community());
        }
        int needed = s.priv() != PrivProtocol.NONE ? SecurityLevel.AUTH_PRIV : s.auth() != AuthProtocol.NONE ? SecurityLevel.AUTH_NOPRIV
                : SecurityLevel.NOAUTH_NOPRIV;
        return s.version() == SnmpVersion.V3 && name.equals(s.user()) && event.getSecurityLevel() >= needed && fromItsEngine(event, s);
    }

    /**
     * A v3 notification's context engine id (authenticated with the rest of the scoped PDU) is its sender's engine id:
     * when the device's engine id is configured, a trap or inform from another engine is not the device's. This keeps
     * a misconfigured or replaced device from passing for another that shares its SNMPv3 user; it is no defence
     * against a sender that sets the other's engine id on purpose (engine ids are public): only separate credentials
     * per device make a notification authentic.
     */
    private static boolean fromItsEngine(CommandResponderEvent<?> event, SnmpSettings s) {
        if (s.engineId() == null) {
            return true;
        }
        return event.getPDU() instanceof ScopedPDU scoped && scoped.getContextEngineID().toHexString().replace(":", "").equalsIgnoreCase(s.engineId());
    }

    /** Answers an inform (a trap needs no answer). */
    private void acknowledge(CommandResponderEvent<?> event) {
        PDU request = event.getPDU();
        if (request.getType() != PDU.INFORM) {
            return;
        }
        PDU response = (PDU) request.clone();
        response.setType(PDU.RESPONSE);
        response.setErrorStatus(PDU.noError);
        response.setErrorIndex(0);
        try {
            dispatcher.returnResponsePdu(event.getMessageProcessingModel(), event.getSecurityModel(), event.getSecurityName(),
                    event.getSecurityLevel(), response, event.getMaxSizeResponsePDU(), event.getStateReference(), new StatusInformation());
        } catch (MessageException e) {
            LOG.debug("Trap receiver {}/{}: cannot answer an inform of {}: {}", tenant, site, event.getPeerAddress(), e.getMessage());
        }
    }

    private synchronized boolean firstInAWhile(String sender, long now) {
        Long last = unknownSenders.get(sender);
        if (last != null && now - last < UNKNOWN_SENDER_REPEAT_MS) {
            return false;
        }
        if (unknownSenders.size() >= MAX_UNKNOWN_SENDERS) {
            // the oldest first: a flood of spoofed senders cannot grow the map
            unknownSenders.remove(unknownSenders.keySet().iterator().next());
        }
        unknownSenders.remove(sender);
        unknownSenders.put(sender, now);
        return true;
    }

    private boolean offer(TrapEvent e) {
        if (!pending.offer(e)) {
            queueDropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** The publishing thread: sends waiting events, reads the inventory again, reports ended storms and the counts. */
    private void publish() {
        BusConnection bus = null;
        BusRetry retry = new BusRetry("Trap receiver " + tenant + "/" + site);
        long nextRefresh = System.nanoTime() + REFRESH.toNanos();
        long nextLog = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        String lastLogged = "";
        TrapEvent current = null;
        while (running || current != null || !pending.isEmpty()) {
            try {
                long now = System.nanoTime();
                for (SourceLimiter.Storm s : limiter.endedStorms(System.currentTimeMillis(), !running)) {
                    storm(s);
                }
                if (now >= nextLog) {
                    String counts = counts();
                    if (!counts.equals(lastLogged)) {
                        LOG.info("Trap receiver {}/{}: {}", tenant, site, counts);
                        lastLogged = counts;
                    }
                    nextLog = now + TimeUnit.MINUTES.toNanos(1);
                }
                if (bus == null) {
                    bus = BusConnection.open(login, PATIENCE);
                }
                if (now >= nextRefresh) {
                    nextRefresh = now + REFRESH.toNanos();
                    refresh();
                }
                if (running && announcement.due()) {
                    announcement.send(bus, figures());
                }
                if (current == null) {
                    current = pending.poll(running ? 200 : 0, TimeUnit.MILLISECONDS);
                }
                if (current != null) {
                    send(bus, current);
                    current = null;
                    published.incrementAndGet();
                } else if (!running) {
                    break;
                }
                retry.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (JMSException | RuntimeException e) {
                if (!running && retry.failing()) {
                    LOG.warn("Trap receiver {}/{}: stopping with {} events not published: {}", tenant, site, pending.size() + (current == null ? 0 : 1),
                            e.toString());
                    break;
                }
                if (!retry.failed(bus, e)) {
                    break;
                }
            }
        }
        retry.close(bus);
    }

    /** Reads the site's devices again; a failure keeps the devices known and is tried again at the next refresh. */
    private void refresh() {
        try {
            use(SiteInventory.fetch(login, tenant, site));
        } catch (JMSException | RuntimeException e) {
            LOG.warn("Trap receiver {}/{}: cannot read the site's devices ({}); going on with those known, and trying again in {} s", tenant, site,
                    e.toString(), REFRESH.toSeconds());
        }
    }

    private void storm(SourceLimiter.Storm s) {
        Device device = byAddress.get(s.sender());
        long seconds = Math.max(1, (s.to() - s.from() + 999) / 1000);
        offer(new TrapEvent(UUID.randomUUID().toString(), TrapEvent.STORM, "warning", tenant, site, device, s.sender(), s.from(), null,
                s.dropped() + " traps from " + s.sender() + " dropped over the limit of " + settings.rate() + " a second, in " + seconds + " s from "
                        + java.time.Instant.ofEpochMilli(s.from())));
    }

    private void send(BusConnection bus, TrapEvent e) throws JMSException {
        Topic events = bus.session().createTopic(TenantAddresses.events(tenant));
        TextMessage m = bus.session().createTextMessage(e.json());
        for (Map.Entry<String, String> p : e.properties().entrySet()) {
            m.setStringProperty(p.getKey(), p.getValue());
        }
        m.setStringProperty(ReliableSender.DUPLICATE_ID, "trap/" + tenant + "/" + site + "/" + e.id());
        new ReliableSender(bus, events, PATIENCE.multipliedBy(6)).send(m);
    }

    private Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("devices", new java.util.HashSet<>(byAddress.values()).size());
        f.put("received", received.get());
        f.put("published", published.get());
        f.put("fromUnknownSenders", fromUnknown.get());
        f.put("rateDropped", rateDropped.get());
        f.put("queueDropped", queueDropped.get());
        f.put("malformed", malformed());
        f.put("refused", refused.get());
        f.put("waiting", pending.size());
        return f;
    }

    /** The counts, in a line. */
    public String counts() {
        return "received " + received + ", published " + published + ", from unknown senders " + fromUnknown + ", dropped over the rate limit "
                + rateDropped + ", dropped with the queue full " + queueDropped + ", malformed " + malformed() + ", refused for their credentials " + refused
                + ", waiting " + pending.size();
    }

    /** Stops listening, reports storms still going, and publishes what is waiting (for 10 s at the most). */
    @Override
    public void close() throws InterruptedException {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.debug("closing the trap socket", e);
        }
        running = false;
        publisher.join(10_000);
        if (publisher.isAlive()) {
            publisher.interrupt();
            publisher.join(5_000);
        }
    }
}
