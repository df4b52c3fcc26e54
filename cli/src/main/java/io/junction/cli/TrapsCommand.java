package io.junction.cli;

import io.junction.client.Credentials;
import io.junction.config.Config;
import io.junction.poll.PollerConfig;
import io.junction.poll.trap.TrapReceiver;
import io.junction.poll.trap.TrapRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "traps", mixinStandardHelpOptions = true, header = "Receive SNMP traps for a site of a tenant.",
        description = {"A trap receiver runs at a customer's site beside its pollers and logs in the same way (a user of the tenant with the",
                "poller role). It matches each trap's sender to a device of the site (by snmpTrapAddress.0 or the source address) and",
                "publishes it as an event to tenant.ID.events, named and graded by the rules in etc/traps."},
        subcommands = {TrapsCommand.Start.class})
final class TrapsCommand implements Runnable {
    /** The port when none is configured and the receiver may not bind 162. */
    static final int UNPRIVILEGED_PORT = 1162;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, header = "Receive a site's traps until stopped (Ctrl-C or SIGTERM).",
            description = {"SNMP v1 and v2c traps, v2c and v3 informs (answered) and v3 traps (the users of the site's SNMPv3 devices).",
                    "A sender that is no device of the site becomes one trap-unknown-sender event an hour; a sender over the rate limit",
                    "has the rest of its traps dropped and counted, reported in one trap-storm event when the storm ends."},
            footer = {"", "Examples:", "  JUNCTION_USER=hq-poller JUNCTION_PASSWORD=... junction traps start --tenant acme --site hq --url URL --port 1162",
                    "  junction traps start --tenant acme --site hq --config /etc/junction/poller.properties"})
    static final class Start implements Callable<Integer> {
        @Mixin
        SiteOptions where;

        @Option(names = "--port", paramLabel = "PORT", description = "The UDP port (default: traps.port, 162; when neither is set and 162 "
                + "cannot be bound, not being root, " + UNPRIVILEGED_PORT + ").")
        Integer port;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String tenant = where.tenant();
            String site = where.site;
            Config settings = where.settings();
            Credentials login = where.login(settings);
            TrapRules rules = TrapRules.load(Path.of(settings.get(PollerConfig.TRAP_RULES)));
            boolean chosen = port != null || where.fileSets(PollerConfig.TRAP_PORT.name());
            int listen = port != null ? port : settings.get(PollerConfig.TRAP_PORT);
            if (listen < 1 || listen > 65535) {
                throw CliFailure.failure("Invalid value " + listen + " for option '--port': must be between 1 and 65535");
            }
            int devices = PollerCommand.siteDevices(login, tenant, site);
            String address = settings.get(PollerConfig.TRAP_ADDRESS);
            TrapReceiver receiver;
            try {
                receiver = start(login, tenant, site, address, listen, settings, rules);
            } catch (IOException e) {
                if (chosen || listen >= 1024) {
                    throw CliFailure.failure("Cannot listen for traps on UDP " + address + ":" + listen + ": " + e.getMessage()
                            + (listen < 1024 ? " (ports below 1024 need root; use --port " + UNPRIVILEGED_PORT + ")" : ""));
                }
                // no port asked for and 162 refused (not root): the unprivileged one
                System.err.println("junction: cannot listen on UDP port " + listen + " (" + e.getMessage() + "); using " + UNPRIVILEGED_PORT);
                listen = UNPRIVILEGED_PORT;
                try {
                    receiver = start(login, tenant, site, address, listen, settings, rules);
                } catch (IOException again) {
                    throw CliFailure.failure("Cannot listen for traps on UDP " + address + ":" + listen + ": " + again.getMessage());
                }
            }
            TrapReceiver running = receiver;
            PollerCommand.untilStopped(spec, "Receiving traps for site " + site + " of tenant " + tenant + " on UDP " + address + ":" + listen + " as "
                    + login + ": " + devices + " devices now, " + rules.rules().size() + " trap rules. Press Ctrl-C to stop.", "the trap receiver", () -> {
                        running.close();
                        System.err.println("junction: trap receiver stopped: " + running.counts());
                    });
            return 0;
        }

        private static TrapReceiver start(Credentials login, String tenant, String site, String address, int listen, Config settings, TrapRules rules)
                throws IOException, jakarta.jms.JMSException {
            return TrapReceiver.start(login, tenant, site, new TrapReceiver.Settings(address, listen, settings.get(PollerConfig.TRAP_RATE),
                    settings.get(PollerConfig.TRAP_QUEUE), rules));
        }
    }
}
