package dev.newsstream.store;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.ship.ServerProcess;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.PostgresCluster;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The database off the fetch path, on a real PostgreSQL whose writes are slowed on purpose (a trigger
 * sleeps 2 s for every row written to {@code article} and {@code source_state}), and which refuses one
 * article (a CHECK constraint the application knows nothing of):
 * <ul>
 *   <li>a stream's {@code source_complete} frames and {@code complete}, and a refresh, stay fast while the
 *   writes lag behind (the write queue is not empty when they are done);</li>
 *   <li>the writes land later, every article but the refused one, which is skipped with its reason in
 *   the log and in {@code /debug/store}.</li>
 * </ul>
 */
@Timeout(value = 1200, unit = TimeUnit.SECONDS)
class PostgresSlowWritesIT extends PersistenceScenario {

    PostgresCluster postgres;

    @BeforeAll
    void startPostgres() throws IOException {
        postgres = startPostgres("pg-slow");
        startFeeds("pg-slow");
    }

    @AfterAll
    void stop() {
        try {
            if (postgres != null) postgres.close();
        } finally {
            stopFeeds();
        }
    }

    @Override
    String name() {
        return "pg-slow";
    }

    @Override
    Database database() {
        return on(postgres, "connectTimeout=30&socketTimeout=60");
    }

    /** Moving's feed with {@code extra} new items and one the database refuses. */
    static String movingWithRefused(int extra) {
        List<Item> items = new ArrayList<>();
        items.add(new Item("Refused by the database", "http://127.0.0.1/moving/refused", "moving-refused",
                FixtureFeedServer.BASE_DATE.plus(Duration.ofMinutes(30)), "the CHECK constraint says no"));
        String rest = movingFeed(extra);
        String xml = FixtureFeedServer.rss("Moving", items);
        // one document: the refused item first, then Moving's usual items
        int itemsStart = rest.indexOf("<item>");
        return xml.substring(0, xml.lastIndexOf("</channel>")) + rest.substring(itemsStart);
    }

    @Test
    void streamsAndRefreshesStayFastWhileWritesLagAndTheWritesLandLaterExceptTheRefusedRow() throws Exception {
        try (ServerProcess server = boot("only", Map.of("NEWSSTREAM_DB_STATEMENT_TIMEOUT_SECONDS", "60",
                "NEWSSTREAM_DB_QUERY_TIMEOUT", "60s"))) {
            assertTrue(waitFor(() -> {
                JsonObject status = Http.getJson(server.uri("/cache/status"));
                return status.getInt("update_count") >= 1 && !status.getBoolean("update_in_progress");
            }, ofSeconds(60)), "the first refresh ended");
            assertTrue(waitFor(() -> storage(server).getInt("pending_writes") == 0, ofSeconds(30)));
            long fastStream = timeToComplete(server, "fast database");
            JsonObject fast = storage(server);

            try (Connection db = database().connect(); Statement s = db.createStatement()) {
                s.execute("CREATE FUNCTION slow_down() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$");
                s.execute("CREATE TRIGGER slow_article BEFORE INSERT OR UPDATE ON article"
                        + " FOR EACH ROW EXECUTE FUNCTION slow_down()");
                s.execute("CREATE TRIGGER slow_state BEFORE INSERT OR UPDATE ON source_state"
                        + " FOR EACH ROW EXECUTE FUNCTION slow_down()");
                s.execute("ALTER TABLE article ADD CONSTRAINT no_refused CHECK (title NOT LIKE 'Refused%')");
            }
            feeds.putFeed("/moving.xml", movingWithRefused(3));

            long slowStream = timeToComplete(server, "database slowed to 2 s per row");
            JsonObject lagging = storage(server);
            assertTrue(lagging.getInt("pending_writes") >= 1, () -> "the writes lag behind: " + lagging);
            assertTrue(slowStream < 15_000, "complete came after " + slowStream + " ms");
            Map<String, String> news = news(server);
            for (int i = 1; i <= 3; i++) assertTrue(news.containsKey("Moving|Moving new " + i), news.keySet().toString());

            long refreshStarted = System.nanoTime();
            refresh(server);
            long refreshMillis = (System.nanoTime() - refreshStarted) / 1_000_000;
            JsonObject afterRefresh = storage(server);
            System.out.printf("pg-slow: refresh with the database slowed took %d ms; queue then: %d writes, oldest %.1f s%n",
                    refreshMillis, afterRefresh.getInt("pending_writes"),
                    afterRefresh.isNull("oldest_write_age_seconds") ? 0.0
                            : afterRefresh.getJsonNumber("oldest_write_age_seconds").doubleValue());
            assertTrue(refreshMillis < 15_000, "the refresh took " + refreshMillis + " ms");

            assertTrue(waitFor(() -> storage(server).getInt("pending_writes") == 0, ofSeconds(180)),
                    () -> "the writes land later: " + storage(server));
            JsonObject landed = storage(server);
            System.out.printf("pg-slow: recording a fetch on the fetch path: fast database avg %.2f ms max %.2f ms"
                            + " (%d fetches); slowed database avg %.2f ms max %.2f ms (%d fetches in all)%n",
                    fast.getJsonNumber("record_fetch_avg_millis").doubleValue(),
                    fast.getJsonNumber("record_fetch_max_millis").doubleValue(), fast.getInt("recorded_fetches"),
                    landed.getJsonNumber("record_fetch_avg_millis").doubleValue(),
                    landed.getJsonNumber("record_fetch_max_millis").doubleValue(), landed.getInt("recorded_fetches"));
            System.out.printf("pg-slow: stream to complete: %d ms fast, %d ms slowed%n", fastStream, slowStream);
            assertTrue(landed.getBoolean("up"), landed.toString());
            assertTrue(landed.getInt("refused_rows") >= 1, landed.toString());
            String refusal = landed.getJsonArray("last_refused").toString();
            assertTrue(refusal.contains("Refused by the database") && refusal.contains("no_refused"), refusal);
            assertTrue(waitFor(() -> server.logText().contains("Not stored: article"), ofSeconds(10)),
                    "the log says what was not stored and why");

            try (Connection db = database().connect()) {
                Map<Long, String> stored = ids(db);
                for (int i = 1; i <= 3; i++) assertTrue(stored.containsValue("Moving|Moving new " + i), stored.toString());
                assertFalse(stored.containsValue("Moving|Refused by the database"), stored.toString());
                assertEquals(MAX_PER_SOURCE, count(db, "SELECT COUNT(*) FROM article WHERE source_name = 'Moving'"),
                        "Moving's other articles were stored (its newest max-per-source but the refused one)");
            }
        }
    }

    /** Opens a stream that fetches every source; returns the milliseconds until {@code complete}. */
    static long timeToComplete(ServerProcess server, String label) throws InterruptedException {
        long started = System.nanoTime();
        List<String> sourceTimes = new ArrayList<>();
        try (SseConnection stream = SseConnection.open(server.uri("/news/stream?category=persist&use_cache=false"))) {
            while (true) {
                Frame f = stream.nextEvent(ofSeconds(60));
                if (f == null) throw new AssertionError(label + ": no complete within 60 s");
                long at = (System.nanoTime() - started) / 1_000_000;
                if ("source_complete".equals(f.event()) || "source_error".equals(f.event())) {
                    sourceTimes.add(f.json().getString("source") + " " + at + " ms");
                }
                if ("complete".equals(f.event())) {
                    System.out.println("pg-slow: " + label + ": source frames at " + sourceTimes + ", complete at "
                            + at + " ms");
                    return at;
                }
            }
        }
    }
}
