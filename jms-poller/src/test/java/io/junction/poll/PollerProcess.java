package io.junction.poll;

import io.junction.client.Credentials;
import io.junction.poll.profile.Profiles;
import io.junction.poll.site.SitePoller;
import io.junction.poll.snmp.SnmpPoller;
import io.junction.poll.spool.SpoolSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A site poller as a process of its own, for a test to kill -9:
 * {@code PollerProcess URL USER PASSWORD TENANT SITE PROFILES SPOOL_DIR [OFFLINE_AFTER_MS]}.
 */
public final class PollerProcess {
    private PollerProcess() {
    }

    public static void main(String[] args) throws Exception {
        SnmpPoller snmp = SnmpPoller.start(64);
        SitePoller poller = SitePoller.start(new Credentials(args[0], args[1], args[2]), args[3], args[4], Profiles.load(Path.of(args[5])), snmp, 100,
                new SpoolSettings(Path.of(args[6]), 64L << 20, Duration.ofHours(1), Duration.ofMillis(args.length > 7 ? Long.parseLong(args[7]) : 30_000)));
        System.out.println("polling");
        while (true) {
            Thread.sleep(1_000);
            System.out.println("polls " + poller.polls() + " offline " + poller.offlinePolls() + " spooled " + poller.spool().waiting());
        }
    }
}
