package dev.newsstream.store;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.ship.Build;
import dev.newsstream.ship.ServerProcess;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.PostgresCluster;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The persistence scenario on a real PostgreSQL (a throwaway cluster of the machine's PostgreSQL, see
 * {@link PostgresCluster}), the same WAR pointed at it by NEWSSTREAM_DB_* only; then PostgreSQL stopped
 * while the service runs, and a start while it is down.
 *
 * <p>Without PostgreSQL binaries the class is skipped, unless {@code -Dnewsstream.it.requirePostgres=true}
 * (as .ci/run, which installs them, sets it): then it fails.
 */
@Timeout(value = 500, unit = TimeUnit.SECONDS)
class PostgresPersistenceIT extends PersistenceScenario {

    PostgresCluster postgres;

    @BeforeAll
    void startPostgres() throws IOException {
        postgres = startPostgres("pg-persistence");
        startFeeds("pg-persistence");
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
        return "postgres";
    }

    @Override
    Database database() {
        return on(postgres, "connectTimeout=5&socketTimeout=30");
    }

    @Test
    void articlesFetchStateAndEventIdsSurviveARestartAndNothingIsLostWhilePostgresIsDown() throws Exception {
        firstLife();
        secondLife(this::postgresGoesAwayAndComesBack);
        try (Connection db = database().connect()) {
            retentionRemovedExactlyWhatItShould(db);
        }
    }

    /**
     * PostgreSQL stopped under the running service: readiness DOWN with the reason, everything else answers
     * from memory at once, fetches go on; when it is back every waiting write is stored, and live streams
     * get the articles that arrived meanwhile.
     */
    void postgresGoesAwayAndComesBack(ServerProcess server) throws Exception {
        Map<String, String> before = news(server);
        try (SseConnection live = SseConnection.open(server.uri("/news/stream?category=persist&live=true"))) {
            live.eventsUntil("complete", ofSeconds(20));
            postgres.stop();

            assertTrue(waitFor(() -> Http.get(server.uri("/health/ready")).statusCode() == 503, ofSeconds(15)),
                    "readiness turns DOWN");
            HttpResponse<String> ready = Http.get(server.uri("/health/ready"));
            assertTrue(ready.body().contains("database unreachable"), ready.body());
            assertFalse(ready.body().contains("jdbc:") || ready.body().contains("Connection"),
                    "a short reason: no URL, no driver message: " + ready.body());
            assertTrue(ready.body().contains("\"database_up\":\"false\"") || ready.body().contains("\"database_up\":false"),
                    ready.body());
            assertTimeoutPreemptively(ofSeconds(5), () -> {
                assertEquals(200, Http.get(server.uri("/")).statusCode());
                assertEquals(200, Http.get(server.uri("/health/live")).statusCode(), "liveness stays UP");
                assertEquals(before, news(server), "/news serves from memory");
                assertEquals(200, Http.get(server.uri("/debug/store")).statusCode());
            }, "nothing waits on the database");
            Frame complete = assertTimeoutPreemptively(ofSeconds(15),
                    () -> lastFrame(server, "/news/stream?category=persist&use_cache=false"),
                    "a stream that fetches every source still completes");
            assertEquals("complete", complete.event());

            moving = 5;
            feeds.putFeed("/moving.xml", movingFeed(moving));
            assertTimeoutPreemptively(ofSeconds(20), () -> refresh(server), "a refresh goes on without the database");
            Map<String, String> during = news(server);
            for (int i = 3; i <= 5; i++) assertTrue(during.containsKey("Moving|Moving new " + i), during.toString());
            JsonObject storage = storage(server);
            assertFalse(storage.getBoolean("up"), storage.toString());
            assertTrue(storage.getInt("pending_writes") >= 1, storage.toString());

            postgres.restart();
            assertTrue(waitFor(() -> Http.get(server.uri("/health/ready")).statusCode() == 200, ofSeconds(30)),
                    () -> "ready again once PostgreSQL is back: " + Http.get(server.uri("/health/ready")).body());
            assertTrue(waitFor(() -> storage(server).getInt("pending_writes") == 0, ofSeconds(20)),
                    () -> "every waiting write is written: " + storage(server));

            Set<String> pushed = new HashSet<>();
            long deadline = System.nanoTime() + ofSeconds(20).toNanos();
            while (pushed.size() < 3 && System.nanoTime() < deadline) {
                Frame f = live.nextEvent(ofSeconds(5));
                if (f != null && "article".equals(f.event())) pushed.add(f.json().getJsonObject("article").getString("title"));
            }
            assertEquals(Set.of("Moving new 3", "Moving new 4", "Moving new 5"), pushed,
                    "the live stream gets what arrived during the outage once it is stored");
        }
        try (Connection db = database().connect()) {
            Set<String> stored = new HashSet<>(ids(db).values());
            List<String> missing = new ArrayList<>(news(server).keySet());
            missing.removeAll(stored);
            assertEquals(List.of(), missing, "every article in memory is in PostgreSQL");
        }
    }

    @Test
    void aDatabaseThatIsDownAtStartFailsTheStartWithOneClearMessageWithoutThePassword() {
        postgres.stop();
        try {
            Map<String, String> env = new LinkedHashMap<>(database().environment());
            env.put("PAYARA_MICRO_JAR", Build.payaraMicroJar().toString());
            env.put("NEWSSTREAM_WAR", Build.war().toString());
            env.put("NEWSSTREAM_CONFIG_DIR", Build.serverConfig().toString());
            env.put("NEWSSTREAM_SOURCES", sourcesFile.toString());
            env.put("JAVA_OPTS", ServerProcess.TEST_JAVA_OPTS);
            String log = ServerProcess.bootExpectingFailure("postgres-down-at-start", port -> {
                Map<String, String> withPort = new LinkedHashMap<>(env);
                withPort.put("NEWSSTREAM_PORT", String.valueOf(port));
                return ServerProcess.hermetic(List.of("sh", Build.startScript().toString()), withPort);
            });
            String message = log.lines().filter(l -> l.contains("newsstream cannot start")).findFirst()
                    .orElseThrow(() -> new AssertionError("no 'newsstream cannot start' line in:\n" + log));
            System.out.println("postgres down at start: " + message.substring(message.indexOf("newsstream cannot start")));
            assertTrue(message.contains(postgres.jdbcUrl()), "names the database: " + message);
            assertTrue(message.contains("user " + PostgresCluster.USER), message);
            assertTrue(message.toLowerCase().contains("refused"), "says what went wrong: " + message);
            assertFalse(log.contains(PostgresCluster.PASSWORD), "the password appears nowhere in the log");
        } finally {
            postgres.restart();
        }
    }
}
