package io.junction.cli;

/** A known failure: its message is printed as one line and the command exits with its code. */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliFailure failure(String message) {
        return new CliFailure(FAILURE, message);
    }

    static CliFailure usage(String message) {
        return new CliFailure(USAGE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
