package io.junction.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    @Test
    void sourcesAreIpv4AddressesOrIpv6Slash64s() {
        assertEquals("127.0.0.1", LoginThrottle.source("/127.0.0.1:54321"));
        assertEquals("20010db800000001::/64", LoginThrottle.source("/[2001:db8:0:1::5]:5672"));
        assertEquals(LoginThrottle.source("/[2001:db8:0:1::5]:5672"), LoginThrottle.source("/[2001:db8:0:1:ffff::9]:1883"),
                "one /64 is one source");
        assertFalse(LoginThrottle.source("/[2001:db8:0:1::5]:5672").equals(LoginThrottle.source("/[2001:db8:0:2::5]:5672")));
    }

    @Test
    void penaltiesStartAtTheThresholdDoubleAndOutliveASuccess() throws Exception {
        MovingClock clock = new MovingClock();
        LoginThrottle t = new LoginThrottle(3, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(1), clock);
        t.failed("x");
        t.failed("x");
        assertFalse(t.blocked("x"));
        t.failed("x");
        assertTrue(t.blocked("x"), "blocked at the third failure");
        t.succeeded("x");
        assertTrue(t.blocked("x"), "a success does not lift a penalty in force");
        clock.advance(Duration.ofMillis(250));
        assertFalse(t.blocked("x"), "the first penalty is 200 ms");
        t.failed("x");
        clock.advance(Duration.ofMillis(250));
        assertTrue(t.blocked("x"), "the next one is doubled to 400 ms");
        clock.advance(Duration.ofMillis(200));
        assertFalse(t.blocked("x"), "and over after 400 ms");
        assertFalse(t.blocked("y"));
        t.failed("x");
        clock.advance(Duration.ofMinutes(2));
        t.failed("x");
        assertFalse(t.blocked("x"), "failures further apart than the memory start the count anew");
    }

    /** A clock that moves only when told. */
    static final class MovingClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-11-30T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
