package io.junction.client;

import jakarta.jms.JMSException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a loop on one bus connection goes on after a call failed: the first failure of a run is logged once, then
 * {@link BusConnection#recover} waits for Artemis's failover or opens the connection anew; the run ends with the next
 * call that works ({@link #succeeded}). Not thread-safe: one per loop.
 */
public final class BusRetry {
    private static final Logger LOG = LoggerFactory.getLogger(BusRetry.class);

    private final String who;
    private long failingSince;

    /** {@code who} names the loop in the log. */
    public BusRetry(String who) {
        this.who = who;
    }

    /** A call worked: the next failure starts a new run. */
    public void succeeded() {
        failingSince = 0;
    }

    /** Whether the last call failed. */
    public boolean failing() {
        return failingSince != 0;
    }

    /**
     * After {@code failure}: logs it if it is the first of its run, and returns when the call may be tried again
     * ({@code bus} null: not opened yet, tried again in a second). Returns false if the thread was interrupted.
     */
    public boolean failed(BusConnection bus, Exception failure) {
        if (failingSince == 0) {
            failingSince = System.nanoTime();
            LOG.warn("{}: {}; trying again", who, failure.toString());
        }
        try {
            if (bus == null) {
                Thread.sleep(1_000);
            } else {
                bus.recover(failingSince);
            }
        } catch (JMSException again) {
            LOG.debug("{}: reconnecting", who, again);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** Closes {@code bus} (if any) at the end of the loop; a failure to close is logged, not thrown. */
    public void close(BusConnection bus) {
        if (bus == null) {
            return;
        }
        try {
            bus.close();
        } catch (JMSException e) {
            LOG.debug("{}: closing", who, e);
        }
    }
}
