package io.junction.consume.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers' database: H2 in the data directory by default, PostgreSQL when configured (then several consumer
 * processes share it). Opening it creates or migrates its schema (Flyway, {@code io/junction/consume/db}); work is done
 * in transactions that are tried again when the database chose them as a deadlock or serialization victim, or when two
 * processes inserted the same key at once.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /**
     * Serialization failure, deadlock, unique violation, H2's lock timeout and its concurrent update of one key (90131,
     * where PostgreSQL says 23505): another transaction won a race.
     */
    private static final Set<String> RACES = Set.of("40001", "40P01", "23505", "HYT00", "90131");
    private static final int ATTEMPTS = 10;

    /** Where the database is and who logs in; {@code user} and {@code password} may be empty for H2. */
    public record Settings(String url, String user, String password, int pool) {
        public Settings {
            if (url == null || !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("store.url: '" + url + "' is neither a jdbc:h2: nor a jdbc:postgresql: URL");
            }
            if (pool < 1) {
                throw new IllegalArgumentException("store.pool: " + pool + " is below 1");
            }
        }

        /**
         * H2 in {@code dir} ({@code dir/junction.mv.db}). {@code WRITE_DELAY=0}: each commit is written before it
         * returns; H2's default writes commits a moment later, and a process killed in between lost what it had
         * committed, while the messages it came from were acknowledged (ConsumersKillTest found three events gone).
         */
        public static Settings h2(Path dir) {
            return new Settings("jdbc:h2:file:" + dir.toAbsolutePath().resolve("junction") + ";LOCK_TIMEOUT=10000;TRACE_LEVEL_FILE=0;WRITE_DELAY=0", "junction", "",
                    4);
        }

        /** The URL with any password in it hidden, for messages. */
        public String shown() {
            return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
        }
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final HikariDataSource pool;
    private final boolean postgres;

    private Database(HikariDataSource pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    /** Connects and brings the schema up to date; a database that cannot be reached or migrated is a one-line error. */
    public static Database open(Settings s) {
        // tried first on its own, so that a store that cannot be reached is this one line rather than the pool's stack trace
        firstConnection(s);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(s.url());
        config.setUsername(s.user());
        config.setPassword(s.password());
        config.setMaximumPoolSize(s.pool());
        config.setPoolName("junction-store");
        config.setAutoCommit(false);
        // a PostgreSQL server started with the consumers may take a few seconds; an H2 file opens at once or never
        config.setInitializationFailTimeout(s.url().startsWith("jdbc:h2:") ? 1 : 10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("store.url " + s.shown() + ": cannot connect: " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:io/junction/consume/db").load().migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new IllegalStateException("store.url " + s.shown() + ": the schema cannot be created or migrated: " + rootMessage(e), e);
        }
        LOG.info("Store {} is ready", s.shown());
        return new Database(pool, s.url().startsWith("jdbc:postgresql:"));
    }

    /** One connection, tried for 10 s (a PostgreSQL server started with the consumers) or once (H2). */
    private static void firstConnection(Settings s) {
        long until = System.nanoTime() + (s.url().startsWith("jdbc:h2:") ? 0 : 10_000_000_000L);
        while (true) {
            try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password())) {
                return;
            } catch (SQLException e) {
                boolean refused = "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState()) || "3D000".equals(e.getSQLState());
                if (refused || System.nanoTime() > until) {
                    throw new IllegalStateException("store.url " + s.shown() + ": cannot connect: " + rootMessage(e), e);
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("store.url " + s.shown() + ": interrupted while connecting", e);
            }
        }
    }

    public boolean postgres() {
        return postgres;
    }

    /**
     * Runs {@code work} in a transaction (read committed) and commits it; rolls back on any failure, and runs it again
     * when it lost a race with another transaction (up to 10 times).
     */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    if (!(e instanceof SQLException sql) || !RACES.contains(sql.getSQLState()) || attempt == ATTEMPTS) {
                        throw e;
                    }
                    LOG.debug("transaction lost a race ({}), attempt {}", sql.getSQLState(), attempt);
                }
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The first line of the message of {@code e}'s root cause. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return (m == null ? t.getClass().getSimpleName() : m).lines().findFirst().orElse("");
    }
}
