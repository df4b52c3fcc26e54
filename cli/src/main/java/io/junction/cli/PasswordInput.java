package io.junction.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A new password, never from the command line: typed twice at a prompt, or the first line of standard input. */
final class PasswordInput {
    private PasswordInput() {
    }

    static String read(String forWhom) {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", forWhom);
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                throw CliFailure.failure("The passwords typed differ; nothing was changed");
            }
            return new String(first);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw CliFailure.usage("No password on standard input for " + forWhom + ": pipe it in, e.g. printf '%s\\n' \"$PW\" | junction ...");
            }
            return line;
        } catch (IOException e) {
            throw CliFailure.failure("Cannot read the password from standard input: " + e.getMessage());
        }
    }
}
