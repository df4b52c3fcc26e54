package io.junction.poll.snmp;

import io.junction.poll.profile.Profile;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.PDUv1;
import org.snmp4j.SNMP4JSettings;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.smi.GenericAddress;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Polls devices over SNMP, asynchronously, on one UDP socket for all of them: a slow or dead device holds only its own
 * requests. At most {@code maxOutstanding} requests are out at once in all; each device has its own limit
 * ({@link SnmpSettings#inFlight}).
 *
 * <p>SNMPv3: each device's engine id is discovered once (on a thread of its own: SNMP4J discovers synchronously) and
 * its user localized for that engine alone, so that two devices with the same user name and other keys (two tenants)
 * never share keys. SNMP4J resynchronizes engine time (the 150 s window) by itself; an engine id that changed (a
 * replaced device) is discovered again on the next poll. Reports of an unknown user or a wrong key end a poll as an
 * authentication failure that says which: the agent sends them unauthenticated, so this poller accepts such reports
 * ({@code SNMP4JSettings.ReportSecurityLevelStrategy.noAuthNoPrivIfNeeded}); a forged one can only make a device look
 * misconfigured.
 */
public final class SnmpPoller implements AutoCloseable {
    private final Snmp snmp;
    private final UsmEngines engines;
    private final int maxOutstanding;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final ExecutorService callbacks;
    private final ExecutorService discovery;
    private final java.util.concurrent.Semaphore discoveries = new java.util.concurrent.Semaphore(MAX_QUEUED_DISCOVERIES);
    private final java.util.Set<DevicePoll> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean closed;

    /** Discoveries waiting or running at once; beyond, a poll fails at once rather than queue without bound. */
    private static final int MAX_QUEUED_DISCOVERIES = 1_000;

    private SnmpPoller(Snmp snmp, USM usm, int maxOutstanding) {
        this.snmp = snmp;
        this.engines = new UsmEngines(snmp, usm);
        this.maxOutstanding = maxOutstanding;
        this.callbacks = Executors.newSingleThreadExecutor(daemon("junction-snmp-responses"));
        this.discovery = Executors.newFixedThreadPool(4, daemon("junction-snmp-discovery"));
    }

    /** Opens the UDP socket (any local port) and starts listening; {@code maxOutstanding} bounds requests out at once. */
    public static SnmpPoller start(int maxOutstanding) throws IOException {
        SNMP4JSettings.setReportSecurityLevelStrategy(SNMP4JSettings.ReportSecurityLevelStrategy.noAuthNoPrivIfNeeded);
        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
        OctetString localEngine = new OctetString(MPv3.createLocalEngineID());
        USM usm = new USM(protocols, localEngine, 0);
        SecurityModels models = new SecurityModels();
        models.addSecurityModel(usm);
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv1());
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(new MPv3(localEngine.getValue(), null, protocols, models, CounterSupport.getInstance()));
        DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping(new UdpAddress("0.0.0.0/0"));
        Snmp snmp = new Snmp(dispatcher, transport);
        snmp.listen();
        return new SnmpPoller(snmp, usm, maxOutstanding);
    }

    /**
     * Polls {@code device} for {@code profiles}; the future never fails: a failure is a result with its status, and a
     * poll still running when the poller closes ends as {@link PollResult.Status#ERROR}.
     */
    public CompletableFuture<PollResult> poll(Device device, List<Profile> profiles) {
        DevicePoll poll = new DevicePoll(this, device, profiles);
        running.add(poll);
        poll.result().whenComplete((r, e) -> running.remove(poll));
        if (closed) {
            poll.fail(PollResult.Status.ERROR, "the poller is closed");
            return poll.result();
        }
        if (device.snmp().version() != SnmpVersion.V3) {
            onCallbackThread(poll, poll::start);
        } else if (engines.known(device)) {
            String conflict = engines.localizeKnown(device);
            onCallbackThread(poll, conflict == null ? poll::start : () -> poll.fail(PollResult.Status.ERROR, conflict));
        } else {
            java.time.Instant next = engines.backedOffUntil(device);
            if (next != null) {
                onCallbackThread(poll, () -> poll.fail(PollResult.Status.UNREACHABLE, "no answer to SNMPv3 engine discovery; next attempt at " + next));
            } else if (!discoveries.tryAcquire()) {
                onCallbackThread(poll, () -> poll.fail(PollResult.Status.ERROR, MAX_QUEUED_DISCOVERIES + " SNMPv3 engine discoveries are waiting already"));
            } else {
                discovery.execute(() -> {
                    UsmEngines.Refusal refusal;
                    try {
                        refusal = engines.discover(device, address(device));
                    } catch (RuntimeException e) {
                        refusal = new UsmEngines.Refusal(PollResult.Status.ERROR, "SNMPv3 engine discovery failed: " + e.getMessage());
                    } finally {
                        discoveries.release();
                    }
                    UsmEngines.Refusal why = refusal;
                    onCallbackThread(poll, why == null ? poll::start : () -> poll.fail(why.status(), why.detail()));
                });
            }
        }
        return poll.result();
    }

    /** Runs {@code step} of {@code poll} on the response thread; what it throws ends the poll as an error, never silently. */
    private void onCallbackThread(DevicePoll poll, Runnable step) {
        try {
            callbacks.execute(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    poll.fail(PollResult.Status.ERROR, "internal error: " + e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            poll.fail(PollResult.Status.ERROR, "the poller is closed");
        }
    }

    /** SNMP requests sent so far. */
    public long requestsSent() {
        return sent.get();
    }

    /** Forgets a device's engine id, so that the next poll discovers it again. */
    void forgetEngine(Device device) {
        engines.forget(device);
    }

    Target<UdpAddress> target(Device device) {
        SnmpSettings s = device.snmp();
        Target<UdpAddress> target;
        if (s.version() == SnmpVersion.V3) {
            UserTarget<UdpAddress> user = new UserTarget<>();
            user.setSecurityName(new OctetString(s.user()));
            user.setSecurityLevel(s.auth() == AuthProtocol.NONE ? SecurityLevel.NOAUTH_NOPRIV
                    : s.priv() == PrivProtocol.NONE ? SecurityLevel.AUTH_NOPRIV : SecurityLevel.AUTH_PRIV);
            OctetString engine = engines.engine(device);
            if (engine != null) {
                user.setAuthoritativeEngineID(engine.getValue());
            }
            target = user;
        } else {
            target = new CommunityTarget<>(null, new OctetString(s.community()));
        }
        target.setAddress(address(device));
        target.setVersion(s.version().code());
        target.setTimeout(s.timeout().toMillis());
        target.setRetries(s.retries());
        return target;
    }

    static PDU pdu(Device device, int type) {
        PDU pdu = switch (device.snmp().version()) {
            case V1 -> new PDUv1();
            case V2C -> new PDU();
            case V3 -> new ScopedPDU();
        };
        pdu.setType(type);
        return pdu;
    }

    /**
     * Sends {@code pdu} when the global limit allows; {@code then} gets the response (null on timeout) or the
     * exception, on the response thread.
     */
    void send(Device device, PDU pdu, java.util.function.BiConsumer<ResponseEvent<?>, Exception> then) {
        Runnable attempt = () -> {
            Target<UdpAddress> target = target(device);
            // once: SNMP4J may call a listener twice (a timeout racing an answer), or after a send that threw
            java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
            ResponseListener listener = new ResponseListener() {
                @Override
                public <A extends org.snmp4j.smi.Address> void onResponse(ResponseEvent<A> event) {
                    ((Snmp) event.getSource()).cancel(event.getRequest(), this);
                    if (settled.compareAndSet(false, true)) {
                        released();
                        deliver(() -> then.accept(event, null), then);
                    }
                }
            };
            try {
                sent.incrementAndGet();
                snmp.send(pdu, target, null, listener);
            } catch (IOException | RuntimeException e) {
                snmp.cancel(pdu, listener);
                if (settled.compareAndSet(false, true)) {
                    released();
                    deliver(() -> then.accept(null, e), then);
                }
            }
        };
        if (outstanding.incrementAndGet() <= maxOutstanding) {
            attempt.run();
        } else {
            outstanding.decrementAndGet();
            waiting.add(attempt);
            drain();
        }
    }

    /** Hands an answer to the response thread; an answer that throws there ends its poll as an error. */
    private void deliver(Runnable answer, java.util.function.BiConsumer<ResponseEvent<?>, Exception> then) {
        try {
            callbacks.execute(() -> {
                try {
                    answer.run();
                } catch (RuntimeException e) {
                    then.accept(null, new IOException("internal error: " + e, e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the poller is closing: close() fails every poll still running
        }
    }

    private void released() {
        outstanding.decrementAndGet();
        drain();
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            if (outstanding.incrementAndGet() > maxOutstanding) {
                outstanding.decrementAndGet();
                return;
            }
            Runnable next = waiting.poll();
            if (next == null) {
                outstanding.decrementAndGet();
                return;
            }
            next.run();
        }
    }

    static UdpAddress address(Device device) {
        return (UdpAddress) GenericAddress.parse("udp:" + device.address() + "/" + device.port());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops polling: every poll still running ends as {@link PollResult.Status#ERROR}. */
    @Override
    public void close() throws IOException {
        closed = true;
        discovery.shutdownNow();
        try {
            snmp.close();
        } finally {
            callbacks.shutdown();
            try {
                callbacks.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            callbacks.shutdownNow();
            for (DevicePoll poll : running) {
                poll.fail(PollResult.Status.ERROR, "the poller closed");
            }
        }
    }
}
