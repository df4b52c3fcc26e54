package io.junction.cli;

import io.junction.cluster.ClusterLayout;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "secret", mixinStandardHelpOptions = true, header = "Print a new random cluster secret.",
        description = {"32 random bytes, base64url: put the same one in cluster.secret on every node of a cluster (chmod 600 the files).",
                "A node refuses to start with a secret shorter than " + ClusterLayout.SECRET_MIN_LENGTH + " characters or with the examples' placeholder."},
        footer = {"", "Examples:", "  junction cluster secret",
                "  sed -i \"s|^cluster.secret=.*|cluster.secret=$(junction cluster secret)|\" etc/cluster/node1.properties"})
final class ClusterSecretCommand implements Callable<Integer> {
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        String secret = ClusterLayout.newSecret();
        output.result(secret, Map.of("secret", secret));
        return 0;
    }
}
