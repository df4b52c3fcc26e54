package io.junction.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.activemq.artemis.utils.VersionLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "version", mixinStandardHelpOptions = true, header = "Print the versions of Junction, Artemis and Java.",
        footer = {"", "Examples:", "  junction version", "  junction version --json"})
final class VersionCommand implements Callable<Integer> {
    @Mixin
    OutputOptions output;

    static String junctionVersion() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }

    @Override
    public Integer call() {
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("junction", junctionVersion());
        versions.put("artemis", VersionLoader.getVersion().getFullVersion());
        versions.put("java", Runtime.version().toString());
        output.result("Junction " + versions.get("junction") + "\nArtemis  " + versions.get("artemis") + "\nJava     " + versions.get("java"),
                versions);
        return 0;
    }
}
