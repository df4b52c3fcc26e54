package io.junction.consume.metric;

import java.util.OptionalDouble;

/**
 * A counter's rate between two polls, per second. A 32-bit counter that went back wrapped (once: a poll interval is
 * far shorter than a wrap at the speeds that matter); a 64-bit one that went back was reset. A device that restarted
 * between the polls (its sysUpTime went back, other than by the 497-day wrap of TimeTicks) or polls too far apart
 * (past {@code maxGapMs}) give no rate: a gap in the chart, never a spike.
 */
public final class CounterRate {
    private static final long TWO_32 = 1L << 32;
    /** How far sysUpTime may drift from the clocks between two polls, in hundredths of a second, and as a share. */
    private static final long UPTIME_SLACK_CENTIS = 1_000;

    /** What a poll read of one counter: when, the raw value (unsigned), its width, and the device's sysUpTime then. */
    public record Sample(long timeMs, long value, boolean wide, long sysUpTime) {
    }

    /** Why there is no rate. */
    public enum NoRate { NONE, FIRST, GAP, RESTART, RESET }

    /** A rate, or the reason there is none. */
    public record Result(OptionalDouble perSecond, NoRate reason) {
        static Result of(double r) {
            return new Result(OptionalDouble.of(r), NoRate.NONE);
        }

        static Result none(NoRate why) {
            return new Result(OptionalDouble.empty(), why);
        }
    }

    private CounterRate() {
    }

    public static Result between(Sample previous, Sample next, long maxGapMs) {
        if (previous == null) {
            return Result.none(NoRate.FIRST);
        }
        long elapsedMs = next.timeMs() - previous.timeMs();
        if (elapsedMs <= 0 || elapsedMs > maxGapMs) {
            return Result.none(NoRate.GAP);
        }
        if (restarted(previous.sysUpTime(), next.sysUpTime(), elapsedMs)) {
            return Result.none(NoRate.RESTART);
        }
        long delta;
        if (Long.compareUnsigned(next.value(), previous.value()) >= 0) {
            delta = next.value() - previous.value();
        } else if (!next.wide() && !previous.wide()) {
            delta = next.value() + TWO_32 - previous.value();
        } else {
            return Result.none(NoRate.RESET);
        }
        double unsignedDelta = delta >= 0 ? delta : (double) (delta >>> 1) * 2.0 + (delta & 1);
        return Result.of(unsignedDelta * 1000.0 / elapsedMs);
    }

    /** Whether sysUpTime (TimeTicks, hundredths of a second, 32 bits) going from {@code before} to {@code after} is a restart. */
    static boolean restarted(long before, long after, long elapsedMs) {
        if (after >= before) {
            return false;
        }
        // TimeTicks wraps after 497 days: the uptime that was due, modulo 2^32, is close to what the device says
        long due = (before + elapsedMs / 10) % TWO_32;
        long slack = UPTIME_SLACK_CENTIS + elapsedMs / 100;
        return before + elapsedMs / 10 < TWO_32 || Math.abs(due - after) > slack;
    }
}
