package dev.newsstream.store;

import dev.newsstream.ship.Build;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The persistence scenario on the default database: H2 files in the directory NEWSSTREAM_DATA_DIR names. */
@Timeout(value = 1500, unit = TimeUnit.SECONDS) // two boots of a loaded machine
class H2PersistenceIT extends PersistenceScenario {

    Path dataDir;

    @BeforeAll
    void freshDirectory() throws IOException {
        dataDir = Build.workDir("h2-persistence").resolve("data");
        if (Files.exists(dataDir)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        startFeeds("h2-persistence");
    }

    @AfterAll
    void stop() {
        stopFeeds();
    }

    @Override
    String name() {
        return "h2";
    }

    @Override
    Database database() {
        return new Database() {
            @Override
            public Map<String, String> environment() {
                return Map.of("NEWSSTREAM_DATA_DIR", dataDir.toString());
            }

            @Override
            public Connection connect() throws SQLException {
                // the server created it as user newsstream without password (the defaults); it must be stopped
                return DriverManager.getConnection("jdbc:h2:file:" + dataDir + "/newsstream;MODE=LEGACY;IFEXISTS=TRUE",
                        "newsstream", "");
            }
        };
    }

    @Test
    void articlesFetchStateAndEventIdsSurviveARestartAndRetentionRemovesExactlyWhatItShould() throws Exception {
        firstLife();
        secondLife(server -> {
        });
        try (Connection db = database().connect()) {
            retentionRemovedExactlyWhatItShould(db);
        }
    }
}
