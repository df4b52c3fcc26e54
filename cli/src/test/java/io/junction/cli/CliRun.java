package io.junction.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs one junction command in this JVM and captures its exit code, standard output and error. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JunctionCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs a command with {@code input} as its standard input (a password, say). */
    static CliRun withInput(String input, String... args) {
        java.io.InputStream saved = System.in;
        System.setIn(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return of(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** This run, which must have succeeded. */
    CliRun ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit code " + exitCode + ":\n" + out + err);
        }
        return this;
    }

    /** The error output, which for a known failure is exactly one line. */
    String errorLine() {
        String trimmed = err.strip();
        if (trimmed.contains("\n")) {
            throw new AssertionError("expected a one-line error, got:\n" + err);
        }
        return trimmed;
    }
}
