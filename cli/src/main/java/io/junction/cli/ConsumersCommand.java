package io.junction.cli;

import io.junction.client.ClientConfig;
import io.junction.client.Credentials;
import io.junction.config.Config;
import io.junction.config.PropertiesFile;
import io.junction.consume.ConsumersConfig;
import io.junction.consume.ConsumersProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "consumers", mixinStandardHelpOptions = true, header = "Run the built-in consumers: the event manager and the metric store.",
        description = {"The consumers log in as a user of the tenant with the consumer role and read the tenant's destinations through shared",
                "durable subscriptions: several processes split the messages, and what is published while none runs waits. The event manager",
                "keeps one problem per cause, with its history, in H2 under data/store or in a PostgreSQL database that several processes share;",
                "the metric store keeps each device's values as RRD time series under data/metrics, a full copy in each process."},
        subcommands = {ConsumersCommand.Start.class, ConsumersCommand.Retire.class, ConsumersCommand.ConfigTemplate.class})
final class ConsumersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, header = "Run the consumers of a tenant, or of every tenant, until stopped (Ctrl-C or SIGTERM).",
            description = {"With --tenant, as a user of the tenant with the consumer role; with --all-tenants, as the service's operator, reading",
                    "every tenant's events and metrics through wildcard subscriptions (operator.events.event-manager, ...), each message",
                    "stored under the tenant its destination names, and each tenant notified by its own rules (every file of notifications.dir)."},
            footer = {"", "Examples:", "  JUNCTION_USER=acme-events JUNCTION_PASSWORD=... junction consumers start --tenant acme --url URL",
                    "  junction consumers start --tenant acme --only events --config /etc/junction/consumers.properties",
                    "  JUNCTION_USER=noc JUNCTION_PASSWORD=... junction consumers start --all-tenants --url URL"})
    static final class Start implements Callable<Integer> {
        @Option(names = "--tenant", paramLabel = "ID", description = "The tenant whose consumers to run.")
        String tenantId;

        @Option(names = "--all-tenants", description = "Run the consumers of every tenant, as the service's operator.")
        boolean allTenants;

        @Option(names = "--only", paramLabel = "KINDS", description = "The consumers to run, comma-separated (events, metrics); default: consumers.only.")
        String only;

        @Option(names = "--config", paramLabel = "FILE", description = "A consumers configuration (etc/consumers.properties documents every key).")
        Path config;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (allTenants == (tenantId != null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Give either --tenant ID or --all-tenants");
            }
            String tenant = allTenants ? io.junction.consume.listen.ListenerSettings.ALL : TenantCommand.checkId(tenantId);
            Map<String, String> file = config == null ? Map.of() : PropertiesFile.read(config);
            if (only != null) {
                file = new java.util.HashMap<>(file);
                file.put(ConsumersConfig.ONLY.name(), only);
            }
            Config settings = ConsumersConfig.definition().parse(file, config == null ? "the built-in consumers defaults" : config.toString());
            Credentials login = config == null ? client.credentials() : ClientConfig.credentials(settings, System.getenv());
            PollerCommand.reachable(login);
            ConsumersProcess.Settings run = ConsumersProcess.Settings.of(settings, System.getenv());
            ConsumersProcess process;
            try {
                process = ConsumersProcess.start(login, tenant, run);
            } catch (IllegalStateException e) {
                throw CliFailure.failure(e.getMessage());
            }
            List<String> what = new ArrayList<>();
            if (run.only().contains("events")) {
                what.add("events into " + run.store().shown());
            }
            if (run.only().contains("metrics")) {
                what.add("metrics into " + run.metrics().dir());
            }
            PollerCommand.untilStopped(spec, "Consuming for " + (allTenants ? "every tenant" : "tenant " + tenant) + " as " + login + " (instance " + run.instance() + "): "
                    + String.join(", ", what) + "; API at " + process.apiUrl() + ". Press Ctrl-C to stop.", "the consumers", process::close);
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true, header = "Remove the subscription of a consumers process gone for good.",
            description = {"Each consumers process keeps a full copy of the metrics through a subscription of its own (consumers.instance); one",
                    "that never comes back would keep it filling the tenant's quota. The process must be stopped. Run it as the tenant's admin",
                    "or the operator."})
    static final class Retire implements Callable<Integer> {
        @Mixin
        TenantOption owner;

        @Option(names = "--instance", required = true, paramLabel = "NAME", description = "The consumers.instance of the process.")
        String instance;

        @Mixin
        ClientOptions client;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            try {
                ConsumersProcess.retire(client.credentials(), owner.id(), instance);
            } catch (jakarta.jms.InvalidDestinationException e) {
                throw CliFailure.failure("Tenant " + owner.id() + " has no consumers process named " + instance);
            } catch (jakarta.jms.JMSSecurityException e) {
                throw CliFailure.failure("Cannot retire " + instance + " of tenant " + owner.id() + ": only the tenant's admin or the operator may");
            } catch (jakarta.jms.JMSException | IllegalArgumentException e) {
                throw CliFailure.failure("Cannot retire " + instance + " of tenant " + owner.id() + ": " + io.junction.client.ClientErrors.rootMessage(e));
            }
            output.result("retired consumers process " + instance + " of tenant " + owner.id(), Map.of("tenant", owner.id(), "instance", instance));
            return 0;
        }
    }

    @Command(name = "config-template", mixinStandardHelpOptions = true, header = "Print a consumers configuration file documenting every key.")
    static final class ConfigTemplate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ConsumersConfig.template());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
