package io.junction.cluster;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A task a node runs every so often on a daemon thread of its own, so that a slow one (a ZooKeeper write, a question
 * to another broker) delays nothing else. A failure goes to its handler and the schedule goes on: an exception
 * escaping a scheduled task would cancel it silently.
 */
final class Periodic {
    /** The task; what it throws goes to the handler. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    private Periodic() {
    }

    /** Runs {@code task} every {@code period} (the first time after one period) on thread {@code name}; closing stops it. */
    static AutoCloseable every(String name, Duration period, Task task, Consumer<Exception> failed) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name.replace(' ', '-'));
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (Exception e) {
                failed.accept(e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return thread::shutdownNow;
    }
}
