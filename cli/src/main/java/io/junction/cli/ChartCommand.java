package io.junction.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "chart", mixinStandardHelpOptions = true, header = "Draw a device's series as a PNG chart.",
        description = {"Calls the consumers' HTTP API (junction consumers start): average, minimum and maximum of each step and the 95th",
                "percentile of the averages; octet counters are drawn in bit/s."},
        footer = {"", "Example:", "  junction chart --tenant acme --device core-1 --metric ifHCInOctets --instance 3 --since 24h -o core-1-if3.png"})
final class ChartCommand implements Callable<Integer> {
    @Mixin
    TenantOption owner;

    @Option(names = "--device", required = true, paramLabel = "NAME", description = "The device.")
    String device;

    @Option(names = "--metric", required = true, paramLabel = "NAME", description = "The series' name (ifHCInOctets, ...).")
    String metric;

    @Option(names = "--instance", paramLabel = "I", description = "The series' instance (an ifIndex, ...), if it has one.")
    String instance;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h", description = "From this long ago (default ${DEFAULT-VALUE}) or an ISO-8601 instant.")
    String since;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The PNG file to write.")
    Path file;

    @Mixin
    ApiOptions api;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("name", metric);
        q.put("instance", instance);
        q.put("since", since);
        byte[] png = api.get(api.url(owner.id(), "devices/" + MetricsCommand.encode(device) + "/chart.png", q));
        try {
            Files.write(file, png);
        } catch (IOException e) {
            throw CliFailure.failure("Cannot write " + file + ": " + e.getMessage());
        }
        output.result("wrote " + file + " (" + png.length + " bytes)", Map.of("file", file.toString(), "bytes", png.length));
        return 0;
    }
}
