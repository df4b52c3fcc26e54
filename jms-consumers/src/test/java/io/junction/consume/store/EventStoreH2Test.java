package io.junction.consume.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The event store on H2 in a directory, the default. */
class EventStoreH2Test extends EventStoreContract {
    @TempDir
    Path dir;
    private Path last;
    private int made;

    @Override
    Database.Settings freshDatabase() {
        last = dir.resolve("db-" + ++made);
        return Database.Settings.h2(last);
    }

    @Override
    Database.Settings sameDatabase() {
        return Database.Settings.h2(last);
    }
}
