package io.junction.poll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** net-snmp's command-line tools (Debian's {@code snmp} package), run as a test's second opinion. */
final class NetSnmp {
    private NetSnmp() {
    }

    /** Whether net-snmp's agent and tools are installed. */
    static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/snmpd")) && Files.isExecutable(Path.of("/usr/bin/snmpget"));
    }

    /**
     * Runs a net-snmp tool and returns its standard output; fails the test if it does not exit 0 within 20 s. Its
     * standard error is not returned (on a machine where net-snmp never ran, the first tool says there "Created
     * directory: /var/lib/snmp/cert_indexes"), only shown when it fails.
     */
    static String run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("net-snmp-", ".out");
        Path err = Files.createTempFile("net-snmp-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 20 s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + text + Files.readString(err, StandardCharsets.UTF_8));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@code tool ARGS -On -Oq -Ot -Oe HOST:PORT OIDS...}: numeric OIDs, plain values (timeticks as numbers, enums as numbers). */
    static Map<String, String> values(String tool, List<String> auth, String target, String... oids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool));
        command.addAll(auth);
        command.addAll(List.of("-On", "-Oq", "-Ot", "-Oe", "-OU", target));
        command.addAll(List.of(oids));
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : run(command).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ", 2);
            String value = parts.length > 1 ? parts[1].trim() : "";
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(parts[0].replaceFirst("^\\.", ""), value);
        }
        return values;
    }
}
