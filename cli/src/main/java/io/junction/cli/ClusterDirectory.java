package io.junction.cli;

import io.junction.cluster.ops.LocalCluster;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR}: the directory `junction cluster up` lays a cluster out in, shared by every cluster command. */
final class ClusterDirectory {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "cluster",
            description = "Cluster directory made by `junction cluster up` (default: ${DEFAULT-VALUE}).")
    Path data;

    LocalCluster home() {
        return new LocalCluster(data);
    }

    @Override
    public String toString() {
        return data.toString();
    }
}
