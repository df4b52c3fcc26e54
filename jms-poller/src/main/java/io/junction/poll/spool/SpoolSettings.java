package io.junction.poll.spool;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how much a poller keeps while the bus is unreachable: {@code dir} holds one spool per tenant and site
 * ({@code DIR/TENANT/SITE}); past {@code maxBytes} or {@code maxAge} the oldest go, counted. {@code offlineAfter}: how
 * long the bus must have been unreachable before the poller polls its devices on its own (a failover is quicker).
 */
public record SpoolSettings(Path dir, long maxBytes, Duration maxAge, Duration offlineAfter) {
    /** The spool of one site of one tenant. */
    public Path siteDir(String tenant, String site) {
        return dir.resolve(tenant).resolve(site);
    }
}
