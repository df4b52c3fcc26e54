package io.junction.cli;

import io.junction.client.ClientConfig;
import io.junction.client.Credentials;
import io.junction.config.Config;
import io.junction.config.PropertiesFile;
import io.junction.poll.PollerConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a process at a customer's site is started with: the tenant and site, and the bus login from the options or
 * from a poller configuration file ({@code --config}, keys in {@link PollerConfig}).
 */
final class SiteOptions {
    @Mixin
    TenantOption owner;

    @Option(names = "--site", required = true, paramLabel = "SITE", description = "The site (its devices are this process's).")
    String site;

    @Option(names = "--config", paramLabel = "FILE", description = "A poller configuration (etc/poller.properties documents every key): "
            + "bus.url, bus.user, bus.password or bus.credentials, bus.truststore; poller.* for pollers, traps.* for trap receivers.")
    Path config;

    @Mixin
    ClientOptions client;

    String tenant() {
        return owner.id();
    }

    /** The configuration file's settings, or the defaults when there is none. */
    Config settings() {
        return config == null ? PollerConfig.definition().parse(Map.of(), "the built-in poller defaults")
                : PollerConfig.definition().parse(PropertiesFile.read(config), config.toString());
    }

    /** The login: the file's bus.* keys when there is a file, else the options and environment. */
    Credentials login(Config settings) {
        return config == null ? client.credentials() : ClientConfig.credentials(settings, System.getenv());
    }

    /** Whether the file sets {@code key} (as opposed to its default applying). */
    boolean fileSets(String key) {
        return config != null && PropertiesFile.read(config).containsKey(key);
    }
}
