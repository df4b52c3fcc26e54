package io.junction.cli;

import io.junction.client.ClientErrors;
import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.config.Config;
import io.junction.poll.PollerConfig;
import io.junction.poll.profile.Profile;
import io.junction.poll.profile.Profiles;
import io.junction.poll.site.SiteInventory;
import io.junction.poll.site.SitePoller;
import io.junction.poll.spool.SpoolSettings;
import java.nio.file.Files;
import io.junction.poll.snmp.SnmpPoller;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "poller", mixinStandardHelpOptions = true, header = "Run an SNMP poller for a site of a tenant.",
        description = {"A poller runs at a customer's site and reaches the bus as a user of the tenant with the poller role: it reads the",
                "site's devices from the inventory and publishes to tenant.ID.metrics and tenant.ID.events. A site's live pollers share its",
                "devices through the bus (each device's next poll is a scheduled message on tenant.ID.work.SITE); when one dies, the others",
                "poll its devices from the next interval on."},
        subcommands = {PollerCommand.Start.class, PollerStatusCommand.class, PollerCommand.ConfigTemplate.class})
final class PollerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, header = "Poll a site's devices until stopped (Ctrl-C or SIGTERM).",
            footer = {"", "Examples:", "  JUNCTION_USER=hq-poller JUNCTION_PASSWORD=... junction poller start --tenant acme --site hq --url URL",
                    "  junction poller start --tenant acme --site hq --config /etc/junction/poller.properties"})
    static final class Start implements Callable<Integer> {
        @Mixin
        SiteOptions where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String tenant = where.tenant();
            String site = where.site;
            Config settings = where.settings();
            Credentials login = where.login(settings);
            Map<String, Profile> profiles = Profiles.load(Path.of(settings.get(PollerConfig.PROFILES)));
            SpoolSettings spooling = PollerConfig.spooling(settings);
            String devices;
            try {
                devices = siteDevices(login, tenant, site) + " devices now";
            } catch (CliFailure unreachable) {
                // restarted while the customer's WAN is down: it polls on what it held, into its spool
                if (!unreachable.getMessage().startsWith("Cannot connect") || !Files.exists(spooling.siteDir(tenant, site).resolve("held.json"))) {
                    throw unreachable;
                }
                spec.commandLine().getErr().println("junction: " + unreachable.getMessage() + "; polling the devices held in "
                        + spooling.siteDir(tenant, site) + " until the bus is back");
                devices = "the bus unreachable";
            }
            SnmpPoller snmp = SnmpPoller.start(settings.get(PollerConfig.MAX_REQUESTS));
            SitePoller poller;
            try {
                poller = SitePoller.start(login, tenant, site, profiles, snmp, settings.get(PollerConfig.MAX_POLLS), spooling);
            } catch (java.io.IOException e) {
                snmp.close();
                throw CliFailure.failure("Cannot open the spool: " + e.getMessage() + " (" + PollerConfig.SPOOL_DIR.name() + ")");
            }
            untilStopped(spec, "Polling site " + site + " of tenant " + tenant + " as " + login + ": " + devices + ", "
                    + profiles.size() + " profiles (" + String.join(", ", profiles.keySet()) + "), spool " + spooling.siteDir(tenant, site)
                    + ". Press Ctrl-C to stop.", "the poller", () -> {
                        poller.close();
                        snmp.close();
                    });
            return 0;
        }
    }

    /** What stops a running poller or receiver. */
    interface Stop {
        void run() throws Exception;
    }

    /** Prints {@code banner}, then waits for Ctrl-C or SIGTERM and runs {@code stop}; a failure to stop names {@code what}. */
    static void untilStopped(CommandSpec spec, String banner, String what, Stop stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } catch (Exception e) {
                System.err.println("junction: error while stopping " + what + ": " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "junction-shutdown"));
        spec.commandLine().getOut().println(banner);
        spec.commandLine().getOut().flush();
        stopped.await();
    }

    /** Logs in as {@code login} once; a one-line failure when that cannot be done. */
    static void reachable(Credentials login) {
        try (Credentials.Open open = login.at(ClientUrls.quick(login.url())).connect()) {
            open.connection().getClientID();
        } catch (JMSSecurityException e) {
            throw CliFailure.failure("Login refused by " + login + ": check the user name and password");
        } catch (JMSException e) {
            throw CliFailure.failure("Cannot connect to " + login + ": " + ClientErrors.rootMessage(e));
        }
    }

    /** Logs in as {@code login} and counts the site's devices; a one-line failure when either cannot be done. */
    static int siteDevices(Credentials login, String tenant, String site) {
        reachable(login);
        try {
            return SiteInventory.fetch(login, tenant, site).size();
        } catch (JMSException e) {
            throw CliFailure.failure("Cannot read the devices of site " + site + " of tenant " + tenant + " as " + login.user() + ": "
                    + ClientErrors.rootMessage(e) + " (pollers and trap receivers log in as a user of the tenant with the poller role)");
        }
    }

    @Command(name = "config-template", mixinStandardHelpOptions = true, header = "Print a poller configuration file documenting every key.")
    static final class ConfigTemplate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(PollerConfig.template());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
