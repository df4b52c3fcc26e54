package io.junction.consume.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.consume.metric.CounterRate.NoRate;
import io.junction.consume.metric.CounterRate.Sample;
import org.junit.jupiter.api.Test;

class CounterRateTest {
    private static final long MAX_GAP = 180_000;

    @Test
    void aRateIsTheDifferenceOverTheTime() {
        CounterRate.Result r = CounterRate.between(new Sample(0, 1_000, true, 100), new Sample(60_000, 61_000, true, 6_100), MAX_GAP);
        assertEquals(1_000.0, r.perSecond().orElseThrow(), 1e-9);
    }

    @Test
    void aThirtyTwoBitCounterThatWentBackWrappedOnce() {
        long before = (1L << 32) - 6_000;
        CounterRate.Result r = CounterRate.between(new Sample(0, before, false, 100), new Sample(60_000, 54_000, false, 6_100), MAX_GAP);
        assertEquals(1_000.0, r.perSecond().orElseThrow(), 1e-9, "6,000 to the wrap and 54,000 after it in 60 s");
    }

    @Test
    void aSixtyFourBitCounterNearItsTopIsStillExact() {
        long before = -2_000_000L; // 2^64 - 2,000,000 unsigned
        CounterRate.Result r = CounterRate.between(new Sample(0, before, true, 100), new Sample(1_000, before + 1_000_000, true, 200), MAX_GAP);
        assertEquals(1_000_000.0, r.perSecond().orElseThrow(), 1e-6);
        assertEquals(NoRate.RESET, CounterRate.between(new Sample(0, 5_000, true, 100), new Sample(1_000, 10, true, 200), MAX_GAP).reason(),
                "a 64-bit counter that went back was reset: no rate");
    }

    @Test
    void aRestartOrAGapGivesNoRateNeverASpike() {
        CounterRate.Result restart = CounterRate.between(new Sample(0, 4_000_000_000L, false, 90_000), new Sample(60_000, 1_000, false, 3_000), MAX_GAP);
        assertTrue(restart.perSecond().isEmpty(), "sysUpTime went back: the counter started again from 0");
        assertEquals(NoRate.RESTART, restart.reason());
        assertEquals(NoRate.GAP, CounterRate.between(new Sample(0, 1, true, 100), new Sample(MAX_GAP + 1, 2, true, 18_100), MAX_GAP).reason());
        assertEquals(NoRate.FIRST, CounterRate.between(null, new Sample(0, 1, true, 100), MAX_GAP).reason());
    }

    @Test
    void sysUpTimeWrappingAfter497DaysIsNoRestart() {
        long before = (1L << 32) - 3_000; // 30 s before TimeTicks wraps
        CounterRate.Result r = CounterRate.between(new Sample(0, 0, true, before), new Sample(60_000, 60_000, true, 3_000), MAX_GAP);
        assertEquals(1_000.0, r.perSecond().orElseThrow(), 1e-9);
    }
}
