package io.junction.poll.site;

import io.junction.poll.profile.Profile;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.spool.Spool;
import io.junction.poll.spool.Spooled;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site poller's polls while the bus is unreachable: once it has been for {@code offlineAfter}, the devices the poller
 * held are polled on their own schedule (the slots of {@link PollSchedule}, so that what another poller polled meanwhile
 * has the same ids) and their metrics and events go to the spool, to be forwarded when the bus is back. Its own thread.
 */
final class OfflinePolls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OfflinePolls.class);
    private static final long REPORT_EVERY_MS = 60_000;
    /** How long before the cut a slot may have fallen due without being handed out to a poller yet. */
    private static final long CUT_GRACE_MS = 5_000;

    private final String who;
    private final HeldDevices held;
    private final Spool spool;
    private final SnmpPoller snmp;
    private final Map<String, Profile> profiles;
    private final Set<String> busy;
    private final int maxPolls;
    private final long afterNanos;
    private final LongSupplier lastOk;
    private final LongSupplier lastOkAt;
    private final Thread thread;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong polls = new AtomicLong();
    private volatile boolean running = true;
    /** From {@link #finish} until the poller has resumed its chains ({@link #watch}) or failed again: no polling on its own. */
    private volatile boolean holding;
    /**
     * False from {@link #finish} until {@link #watch}: a bus lost again while the spool is forwarded keeps every held
     * device (the time of that cut says nothing of who polled what last).
     */
    private volatile boolean settled = true;
    private boolean active;
    private long activeSince;
    private long reportAt;

    /**
     * Polls {@code held} into {@code spool} once {@code lastOk} (a {@link System#nanoTime}, when a call on the bus last
     * worked: a call that hangs counts as not working) is more than {@code offlineAfter} ago; {@code busy} holds the
     * identities of devices being polled. {@code lastOkAt}: the same as a wall-clock time, or 0 if the bus never worked
     * in this process (a restart during an outage: the held devices are those the last run kept).
     */
    OfflinePolls(String who, HeldDevices held, Spool spool, SnmpPoller snmp, Map<String, Profile> profiles, Set<String> busy, int maxPolls,
                 Duration offlineAfter, LongSupplier lastOk, LongSupplier lastOkAt) {
        this.who = who;
        this.held = held;
        this.spool = spool;
        this.snmp = snmp;
        this.profiles = profiles;
        this.busy = busy;
        this.maxPolls = maxPolls;
        this.afterNanos = offlineAfter.toNanos();
        this.lastOk = lastOk;
        this.lastOkAt = lastOkAt;
        this.thread = new Thread(this::run, "junction-offline-" + who);
        thread.setDaemon(true);
        thread.start();
    }

    /** Polls made while the bus was unreachable. */
    long polls() {
        return polls.get();
    }

    synchronized boolean active() {
        return active;
    }

    /** A call on the bus failed: if none works for the offline-after time, the poller polls on its own again. */
    void failed() {
        holding = false;
    }

    /** The poller is back at its work after an outage: if the bus goes again, it polls on its own again. */
    void watch() {
        holding = false;
        settled = true;
    }

    private void run() {
        while (running) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.error("{}: polling without the bus failed: {}", who, e.toString());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void step() {
        synchronized (this) {
            if (!active && !holding && System.nanoTime() - lastOk.getAsLong() > afterNanos) {
                active = true;
                activeSince = System.currentTimeMillis();
                reportAt = activeSince + REPORT_EVERY_MS;
                long since = lastOkAt.getAsLong();
                if (since > 0 && settled) {
                    // a device polled here, but not at its last slot before the cut, is another poller's now; a grace
                    // keeps one whose slot fell due just before the cut and was not handed out yet (it has no other poller)
                    held.retainLatest(since - CUT_GRACE_MS, busy);
                }
                LOG.warn("{}: the bus is unreachable; polling the {} devices held here on their own, results kept in the spool", who, held.size());
            }
            if (active) {
                pollDue();
            }
        }
        if (active()) {
            report();
            held.save(false);
        }
    }

    private void pollDue() {
        long now = System.currentTimeMillis();
        for (HeldDevices.Held h : held.all()) {
            if (inFlight.get() >= maxPolls) {
                return;
            }
            String id = h.device().identity();
            long interval = h.device().interval().toMillis();
            long due = PollSchedule.nextDue(id, interval, h.lastDue());
            if (due < now - interval) {
                // slots went by unpolled (the poller restarted, or the outage began with the device's poll under way)
                due = PollSchedule.nextDue(id, interval, now - interval);
            }
            if (due > now || !busy.add(id)) {
                continue;
            }
            inFlight.incrementAndGet();
            long slot = due;
            List<Profile> wanted = SitePoller.wanted(profiles, h.device(), who);
            snmp.poll(h.device(), wanted).whenComplete((r, e) -> {
                try {
                    if (r != null) {
                        for (Spooled s : PollMessages.spooled(h.device(), slot, h.state(), r)) {
                            spool.append(s);
                        }
                        held.polled(h.device(), h.spec(), slot, h.state().after(r));
                        polls.incrementAndGet();
                    } else {
                        LOG.warn("{}: polling {} failed: {}", who, h.device(), String.valueOf(e));
                    }
                } catch (IOException | RuntimeException failed) {
                    LOG.error("{}: the spool cannot keep the poll of {}: {}", who, h.device(), failed.toString());
                } finally {
                    busy.remove(id);
                    inFlight.decrementAndGet();
                }
            });
        }
    }

    private void report() {
        long now = System.currentTimeMillis();
        if (now < reportAt) {
            return;
        }
        reportAt = now + REPORT_EVERY_MS;
        LOG.warn("{}: the bus has been unreachable for {} s; {} messages wait in the spool ({} bytes), {} dropped over its bounds", who,
                (now - activeSince) / 1000, spool.waiting(), spool.waitingBytes(), spool.dropped());
    }

    /**
     * The bus is back: polls no more and waits (at most {@code wait}) for those under way to reach the spool. Returns
     * whether it was polling.
     */
    boolean finish(Duration wait) throws InterruptedException {
        boolean was;
        synchronized (this) {
            was = active;
            active = false;
            holding = true;
            settled = false;
        }
        long until = System.nanoTime() + wait.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        if (was) {
            LOG.info("{}: the bus is back after {} s; forwarding {} spooled messages", who, (System.currentTimeMillis() - activeSince) / 1000, spool.waiting());
            held.save(true);
        }
        return was;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
