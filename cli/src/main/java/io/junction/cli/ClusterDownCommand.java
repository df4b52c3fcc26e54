package io.junction.cli;

import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.LocalCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "down", mixinStandardHelpOptions = true, header = "Stop the cluster started by `junction cluster up`.",
        description = {"Sends every node process SIGTERM at once, so that each closes its brokers and journals cleanly, and waits",
                "for them; a node still running after --timeout seconds is killed. Data stays in DIR for the next `up`."},
        footer = {"", "Examples:", "  junction cluster down", "  junction cluster down --data /var/tmp/junction"})
final class ClusterDownCommand implements Callable<Integer> {
    @Mixin
    OutputOptions output;

    @Mixin
    ClusterDirectory data;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long each node may take to stop before it is killed (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        LocalCluster home = data.home();
        ClusterLayout layout = home.layout();
        Map<Integer, ProcessHandle> running = new LinkedHashMap<>();
        for (ClusterLayout.Member m : layout.members()) {
            Optional<ProcessHandle> p = home.process(m.id());
            if (p.isPresent()) {
                running.put(m.id(), p.get());
                p.get().destroy();
            } else {
                home.removePid(m.id());
            }
        }
        List<Integer> stopped = new ArrayList<>();
        List<Integer> killed = new ArrayList<>();
        for (Map.Entry<Integer, ProcessHandle> e : running.entrySet()) {
            try {
                e.getValue().onExit().get(timeoutSeconds, TimeUnit.SECONDS);
                stopped.add(e.getKey());
            } catch (java.util.concurrent.TimeoutException timeout) {
                e.getValue().destroyForcibly();
                e.getValue().onExit().get(30, TimeUnit.SECONDS);
                killed.add(e.getKey());
            }
            home.removePid(e.getKey());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("stopped", stopped);
        json.put("killed", killed);
        String human = running.isEmpty() ? "No node of the cluster in " + home.dir() + " was running."
                : "Stopped " + stopped.size() + " node" + (stopped.size() == 1 ? "" : "s") + " cleanly"
                + (killed.isEmpty() ? "." : "; killed node(s) " + killed + " that did not stop within " + timeoutSeconds + " s.");
        output.result(human, json);
        return killed.isEmpty() ? 0 : CliFailure.FAILURE;
    }
}
