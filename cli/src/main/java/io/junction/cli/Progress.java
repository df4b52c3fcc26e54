package io.junction.cli;

/** A once-a-second progress line on the terminal for long operations; silent when output is not a terminal. */
final class Progress {
    private static final boolean TERMINAL = Terminal.interactive();

    private final String verb;
    private final long total;
    private final boolean enabled = TERMINAL;
    private final long start = System.nanoTime();
    private long lastPrint = start;

    Progress(String verb, long total) {
        this.verb = verb;
        this.total = total;
    }

    void update(long done) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrint >= 1_000_000_000L) {
            lastPrint = now;
            double rate = done / ((now - start) / 1e9);
            System.err.printf("\r%s %d/%d (%.0f msg/s)", verb, done, total, rate);
        }
    }

    void done() {
        if (enabled && lastPrint != start) {
            System.err.print("\r\033[K");
        }
    }
}
