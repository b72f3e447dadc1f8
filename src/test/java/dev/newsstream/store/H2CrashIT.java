package dev.newsstream.store;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.ship.Build;
import dev.newsstream.ship.ServerProcess;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A crash on H2, which writes commits to disk lazily: the service is killed with SIGKILL right after
 * sending event ids, so the last writes may never reach the file. The next life must not hand out any of
 * those ids again (the reserved block's mark was made durable before its first id was sent), so a client
 * resuming from the last id it got misses nothing that arrives later.
 */
@Timeout(value = 1500, unit = TimeUnit.SECONDS)
class H2CrashIT extends PersistenceScenario {

    Path dataDir;

    @BeforeAll
    void freshDirectory() throws IOException {
        dataDir = Build.workDir("h2-crash").resolve("data");
        if (Files.exists(dataDir)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        startFeeds("h2-crash");
    }

    @AfterAll
    void stop() {
        stopFeeds();
    }

    @Override
    String name() {
        return "h2-crash";
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
                return DriverManager.getConnection("jdbc:h2:file:" + dataDir + "/newsstream;MODE=LEGACY;IFEXISTS=TRUE",
                        "newsstream", "");
            }
        };
    }

    @Test
    void afterAKill9NewArrivalsGetIdsAboveEveryIdSentBefore() throws Exception {
        long sentBefore;
        ServerProcess first = boot("first", Map.of());
        try {
            assertTrue(waitFor(() -> {
                JsonObject status = Http.getJson(first.uri("/cache/status"));
                return status.getInt("update_count") >= 1 && !status.getBoolean("update_in_progress");
            }, ofSeconds(40)), "the first refresh ended");
            feeds.putFeed("/moving.xml", movingFeed(2));
            refresh(first);
            sentBefore = highestId(first, Map.of());
            System.out.println("h2-crash: highest event id sent before the kill: " + sentBefore);
        } finally {
            first.kill(); // no shutdown flush, no H2 close: whatever H2 had not written yet is gone
        }
        try (ServerProcess second = boot("second", Map.of("NEWSSTREAM_INGEST_INITIAL_DELAY", "1h"))) {
            feeds.putFeed("/moving.xml", movingFeed(4));
            refresh(second);
            try (SseConnection resumed = SseConnection.open(second.uri("/news/stream?category=persist"),
                    Map.of("Last-Event-ID", String.valueOf(sentBefore)))) {
                List<Frame> frames = resumed.eventsUntil("complete", ofSeconds(20));
                List<Frame> articles = frames.stream().filter(f -> "article".equals(f.event())).toList();
                List<String> titles = articles.stream()
                        .map(f -> f.json().getJsonObject("article").getString("title")).toList();
                System.out.println("h2-crash: resumed from " + sentBefore + ": " + articles.stream()
                        .map(f -> f.id() + " " + f.json().getJsonObject("article").getString("title")).toList());
                assertTrue(titles.containsAll(List.of("Moving new 3", "Moving new 4")),
                        "the articles that arrived after the crash reach a client resuming from before it: " + titles);
                assertTrue(frames.stream().noneMatch(f -> "resync".equals(f.event())), () -> kinds(frames).toString());
                for (Frame f : articles) {
                    assertTrue(Long.parseLong(f.id()) > sentBefore, "id " + f.id() + " was already sent before the crash");
                }
            }
        }
    }

    /** The highest event id a stream of the category sees. */
    static long highestId(ServerProcess server, Map<String, String> headers) throws InterruptedException {
        try (SseConnection stream = SseConnection.open(server.uri("/news/stream?category=persist"), headers)) {
            return stream.eventsUntil("complete", ofSeconds(20)).stream().filter(f -> f.id() != null && !f.id().isBlank())
                    .mapToLong(f -> Long.parseLong(f.id())).max().orElse(0);
        }
    }
}
