package io.junction.poll;

import io.junction.client.Credentials;
import io.junction.poll.profile.Profiles;
import io.junction.poll.site.SitePoller;
import io.junction.poll.snmp.SnmpPoller;
import java.nio.file.Path;

/** A site poller as a process of its own, for a test to kill -9: {@code PollerProcess URL USER PASSWORD TENANT SITE PROFILES}. */
public final class PollerProcess {
    private PollerProcess() {
    }

    public static void main(String[] args) throws Exception {
        SnmpPoller snmp = SnmpPoller.start(64);
        SitePoller poller = SitePoller.start(new Credentials(args[0], args[1], args[2]), args[3], args[4], Profiles.load(Path.of(args[5])), snmp, 100);
        System.out.println("polling");
        while (true) {
            Thread.sleep(1_000);
            System.out.println("polls " + poller.polls());
        }
    }
}
