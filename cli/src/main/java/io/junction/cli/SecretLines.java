package io.junction.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Secrets that are not passwords of a user (a community, a device's SNMPv3 keys): prompted for, or lines of standard input. */
final class SecretLines {
    private SecretLines() {
    }

    /** One secret per item of {@code what}, in order: typed at a prompt (not echoed), or read as one line each from standard input. */
    static List<String> read(List<String> what) {
        List<String> values = new ArrayList<>();
        Console console = System.console();
        if (console != null) {
            for (String w : what) {
                char[] typed = console.readPassword("%s: ", w);
                if (typed == null || typed.length == 0) {
                    throw CliFailure.usage("No " + w + " given; nothing was changed");
                }
                values.add(new String(typed));
            }
            return values;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String w : what) {
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                throw CliFailure.failure("Cannot read the " + w + " from standard input: " + e.getMessage());
            }
            if (line == null || line.isEmpty()) {
                throw CliFailure.usage("No " + w + " on standard input: pipe one line per secret, e.g. printf '%s\\n' \"$SECRET\" | junction ...");
            }
            values.add(line);
        }
        return values;
    }
}
