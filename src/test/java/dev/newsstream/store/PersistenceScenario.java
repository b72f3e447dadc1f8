package dev.newsstream.store;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.ship.Build;
import dev.newsstream.testing.PostgresCluster;
import dev.newsstream.ship.ServerProcess;
import dev.newsstream.testing.Wait;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestInstance;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What must survive a restart, run against one database (H2 files or a PostgreSQL cluster): the WAR
 * started by docker/start.sh as in production, configured by NEWSSTREAM_* variables only, stopped with
 * SIGTERM and started again over the same database.
 *
 * <ol>
 *   <li>First life: the first refresh stores every source's articles, state and validators; a second
 *   refresh of the same feeds stores no duplicate; a stream's last event id is noted.</li>
 *   <li>Between lives, straight into the database: an article past the age limit and two more for a
 *   source, one of them past the per-source cap.</li>
 *   <li>Second life (no fetch of its own at first): the same articles and fetch state from the start;
 *   {@code Last-Event-ID} from the first life replays exactly what was stored after it; a refresh sends the
 *   stored validators, leaves the backing-off source alone and stores only the really new articles;
 *   retention removed exactly the old article and the one past the cap, and nothing else.</li>
 * </ol>
 *
 * <p>A class's fixture server, sources file and what its first life saw belong to its one instance
 * ({@link TestInstance.Lifecycle#PER_CLASS}): started by the class's {@code @BeforeAll}, closed by its
 * {@code @AfterAll}, nothing static that a test writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PersistenceScenario {

    static final int MAX_PER_SOURCE = 6;
    static final Duration RETENTION = Duration.ofDays(3650);
    static final Instant BASE = FixtureFeedServer.BASE_DATE;

    /** The database under test. */
    interface Database {
        /** NEWSSTREAM_* variables that point the service at it. */
        Map<String, String> environment();

        /** A connection for looking at what was stored (for H2 only while no server runs). */
        Connection connect() throws SQLException;
    }

    /**
     * The PostgreSQL scenarios' database: a throwaway cluster of the machine's PostgreSQL under target/, the class
     * skipped when none is installed (unless -Dnewsstream.it.requirePostgres=true makes it fail instead).
     */
    static PostgresCluster startPostgres(String name) throws IOException {
        if (!Boolean.getBoolean("newsstream.it.requirePostgres")) {
            Assumptions.assumeTrue(PostgresCluster.binaries().isPresent(),
                    "PostgreSQL is not installed (apt-get install postgresql); skipping the PostgreSQL tests");
        }
        return PostgresCluster.start(Build.workDir(name).resolve("postgres.log"));
    }

    /** The service pointed at that cluster, with these JDBC URL options (connect and socket timeouts). */
    static Database on(PostgresCluster postgres, String urlOptions) {
        return new Database() {
            @Override
            public Map<String, String> environment() {
                Map<String, String> env = new LinkedHashMap<>();
                env.put("NEWSSTREAM_DB_CLASS", "org.postgresql.ds.PGSimpleDataSource");
                env.put("NEWSSTREAM_DB_URL", postgres.jdbcUrl() + "?" + urlOptions);
                env.put("NEWSSTREAM_DB_USER", PostgresCluster.USER);
                env.put("NEWSSTREAM_DB_PASSWORD", PostgresCluster.PASSWORD);
                return env;
            }

            @Override
            public Connection connect() throws SQLException {
                return postgres.connect();
            }
        };
    }

    FixtureFeedServer feeds;
    Path sourcesFile;
    int moving;

    /** What the first life showed, for the second to be compared with. */
    final Map<String, Object> seen = new HashMap<>();

    abstract Database database();

    abstract String name();

    void startFeeds(String name) throws IOException {
        feeds = FixtureFeedServer.start();
        feeds.putFeed("/moving.xml", movingFeed(0));
        feeds.put("/broken.xml", 500, "text/plain", "down".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        SourcesJson sources = new SourcesJson()
                .add("Alpha", feeds.url("/rss/alpha.xml"), "persist")
                .add("Tagged", feeds.url("/etag/tagged.xml"), "persist")
                .add("Capped", feeds.url("/rss/capped.xml?items=8"), "persist")
                .add("Moving", feeds.url("/moving.xml"), "persist")
                .add("Broken", feeds.url("/broken.xml"), "persist");
        sourcesFile = Build.workDir(name).resolve("sources.json");
        Files.writeString(sourcesFile, sources.json());
    }

    /** The Moving feed: three regular items, and {@code extra} newer ones on top. */
    static String movingFeed(int extra) {
        List<Item> items = new ArrayList<>();
        for (int i = extra; i >= 1; i--) {
            items.add(new Item("Moving new " + i, "http://127.0.0.1/moving/new/" + i, "moving-new-" + i,
                    BASE.plus(Duration.ofMinutes(i)), "new " + i));
        }
        for (int i = 1; i <= 3; i++) {
            items.add(new Item("Moving old " + i, "http://127.0.0.1/moving/old/" + i, "moving-old-" + i,
                    BASE.minus(Duration.ofHours(i)), "old " + i));
        }
        return FixtureFeedServer.rss("Moving", items);
    }

    void stopFeeds() {
        if (feeds != null) feeds.close();
    }

    /** Starts the WAR through docker/start.sh on this database; {@code extra} variables on top. */
    ServerProcess boot(String life, Map<String, String> extra) {
        feeds.resetCounts();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PAYARA_MICRO_JAR", Build.payaraMicroJar().toString());
        env.put("NEWSSTREAM_WAR", Build.war().toString());
        env.put("NEWSSTREAM_CONFIG_DIR", Build.serverConfig().toString());
        env.put("NEWSSTREAM_SOURCES", sourcesFile.toString());
        env.put("NEWSSTREAM_STORE_MAX_PER_SOURCE", String.valueOf(MAX_PER_SOURCE));
        env.put("NEWSSTREAM_STORE_RETENTION", RETENTION.toDays() + "d");
        env.put("NEWSSTREAM_STORE_RETENTION_INTERVAL", "2s");
        env.put("NEWSSTREAM_STORE_RETRY_INTERVAL", "1s");
        env.put("NEWSSTREAM_FETCH_MIN_INTERVAL", "0s");
        env.put("NEWSSTREAM_INGEST_INITIAL_DELAY", "1s");
        // every fixture feed is on one host: no politeness spread or per-host queue in a scenario about storage
        env.put("NEWSSTREAM_INGEST_HOST_SPREAD", "0s");
        env.put("NEWSSTREAM_FETCH_MAX_PER_HOST", "1000");
        env.put("NEWSSTREAM_CACHE_FRESH_FOR", "1h"); // a stream with use_cache answers from memory: no fetch
        env.put("JAVA_OPTS", ServerProcess.TEST_JAVA_OPTS);
        env.putAll(database().environment());
        env.putAll(extra);
        ServerProcess server = ServerProcess.boot(name() + "-" + life, port -> {
            Map<String, String> withPort = new LinkedHashMap<>(env);
            withPort.put("NEWSSTREAM_PORT", String.valueOf(port));
            return ServerProcess.hermetic(List.of("sh", Build.startScript().toString()), withPort);
        });
        System.out.printf("%s %s: /health/ready UP %d ms after the process started (Payara Micro: ready in %s)%n",
                name(), life, server.bootTime().toMillis(), server.payaraReadyIn());
        return server;
    }

    // ------------------------------------------------------------------ the first life

    void firstLife() throws Exception {
        try (ServerProcess server = boot("first", Map.of())) {
            // ready comes with the first stored article; a refresh is done once all its writes are committed
            assertTrue(waitFor(() -> {
                JsonObject status = Http.getJson(server.uri("/cache/status"));
                return status.getInt("update_count") >= 1 && !status.getBoolean("update_in_progress");
            }, ofSeconds(40)), "the first refresh ended");
            // writes go on behind the fetches: they land shortly after the refresh
            assertTrue(waitFor(() -> storage(server).getInt("pending_writes") == 0, ofSeconds(20)),
                    () -> storage(server).toString());
            Map<String, String> news = news(server);
            assertEquals(5 + 5 + MAX_PER_SOURCE + 3, news.size(), news.keySet().toString());

            refresh(server); // the same feeds again
            assertEquals(news, news(server), "a re-fetch changes nothing");
            JsonObject storage = storage(server);
            assertTrue(storage.getBoolean("up"), storage.toString());

            seen.put("news", news);
            seen.put("stats", stats(server));
            seen.put("lastId", Long.parseLong(lastFrame(server, "/news/stream?category=persist").id()));
        }
        try (Connection db = database().connect()) {
            Map<String, Integer> perSource = countPerSource(db);
            assertEquals(Map.of("Alpha", 5, "Tagged", 5, "Capped", MAX_PER_SOURCE, "Moving", 3), perSource,
                    "each article once, the newest max-per-source of a longer feed");
            assertEquals(count(db, "SELECT COUNT(*) FROM article"),
                    count(db, "SELECT COUNT(DISTINCT source_name || '|' || article_key) FROM article"));
            assertEquals(5, count(db, "SELECT COUNT(*) FROM source_state"));
            assertEquals(1, count(db, "SELECT consecutive_failures FROM source_state WHERE source_name = 'Broken'"));
            assertEquals("\"v1-tagged\"", text(db, "SELECT etag FROM feed_validator WHERE url = '"
                    + feeds.url("/etag/tagged.xml") + "'"));
            assertEquals((long) seen.get("lastId"), count(db, "SELECT MAX(id) FROM article"),
                    "event ids are the articles' ids");

            // between the lives: one article past the age limit, and two more for Alpha, one past the cap
            insert(db, "Alpha", "ancient", Instant.now().minus(RETENTION).minus(Duration.ofDays(30)));
            insert(db, "Alpha", "six", BASE.minus(Duration.ofHours(6)));
            insert(db, "Alpha", "seven", BASE.minus(Duration.ofHours(7)));
            seen.put("rowsBefore", ids(db));
            seen.put("replay", titlesAfter(db, (long) seen.get("lastId")));
        }
    }

    // ------------------------------------------------------------------ the second life

    /** Runs the second life's checks; {@code during} runs last, with the server still up. */
    void secondLife(ServerConsumer during) throws Exception {
        try (ServerProcess server = boot("second", Map.of("NEWSSTREAM_INGEST_INITIAL_DELAY", "1h"))) {
            @SuppressWarnings("unchecked")
            Map<String, String> before = new TreeMap<>((Map<String, String>) seen.get("news"));
            before.put("Alpha|Injected six", BASE.minus(Duration.ofHours(6)).toString()); // within the cap
            assertEquals(before, news(server), "the articles are there from the start, nothing fetched yet");
            assertEquals(0, feeds.totalRequests(), "nothing was fetched: this is all from the database");
            assertEquals(seen.get("stats"), stats(server), "every source's fetch state survived");

            long lastId = (long) seen.get("lastId");
            try (SseConnection resumed = SseConnection.open(server.uri("/news/stream?category=persist"),
                    Map.of("Last-Event-ID", String.valueOf(lastId)))) {
                List<Frame> frames = resumed.eventsUntil("complete", ofSeconds(20));
                List<String> replayed = frames.stream().filter(f -> "article".equals(f.event()))
                        .map(f -> f.json().getJsonObject("article").getString("title")).toList();
                assertEquals(seen.get("replay"), replayed, "exactly what was stored after the id, in order");
                assertFalse(frames.stream().anyMatch(f -> "resync".equals(f.event()) || "initial".equals(f.event())),
                        "an id from before the restart is resumed, not resynced: " + kinds(frames));
                assertTrue(frames.stream().filter(f -> "article".equals(f.event()))
                        .allMatch(f -> Long.parseLong(f.id()) > lastId));
            }

            long resumeFrom = Long.parseLong(lastFrame(server, "/news/stream?category=persist").id());
            feeds.resetCounts();
            moving = 2;
            feeds.putFeed("/moving.xml", movingFeed(moving));
            refresh(server);
            assertEquals("\"v1-tagged\"", feeds.lastRequestHeaders("/etag/tagged.xml").get("if-none-match"),
                    "the stored ETag is sent after the restart");
            assertEquals(0, feeds.requestCount("/broken.xml"), "the failing source still backs off after the restart");
            try (SseConnection resumed = SseConnection.open(server.uri("/news/stream?category=persist"),
                    Map.of("Last-Event-ID", String.valueOf(resumeFrom)))) {
                List<String> replayed = resumed.eventsUntil("complete", ofSeconds(20)).stream()
                        .filter(f -> "article".equals(f.event()))
                        .map(f -> f.json().getJsonObject("article").getString("title")).toList();
                assertEquals(Set.of("Moving new 1", "Moving new 2"), new TreeSet<>(replayed),
                        "a re-fetch of known articles is no arrival; only the two new ones are");
                assertEquals(2, replayed.size());
            }
            assertTrue(waitFor(() -> !storage(server).isNull("retention_ran_at"), ofSeconds(20)), "retention ran");
            during.accept(server);
        }
    }

    /** After the second life: retention took exactly the old article and the one past the cap. */
    void retentionRemovedExactlyWhatItShould(Connection db) throws SQLException {
        @SuppressWarnings("unchecked")
        Map<Long, String> before = (Map<Long, String>) seen.get("rowsBefore");
        Map<Long, String> after = ids(db);
        Map<Long, String> gone = new TreeMap<>(before);
        gone.keySet().removeAll(after.keySet());
        Set<String> mustGo = new TreeSet<>(List.of("Alpha|Injected ancient", "Alpha|Injected seven"));
        // the Moving feed's three old items are its oldest: those its new ones push past the cap may go too,
        // depending on whether retention (every 2 s) ran between their write and the server's stop
        Set<String> mayGo = new TreeSet<>();
        int movingPastCap = Math.max(0, moving + 3 - MAX_PER_SOURCE);
        for (int i = 3; i > 3 - movingPastCap; i--) mayGo.add("Moving|Moving old " + i);
        Set<String> goneNames = new TreeSet<>(gone.values());
        assertTrue(goneNames.containsAll(mustGo), "deleted: past the age limit, and past the cap of "
                + MAX_PER_SOURCE + ": " + goneNames);
        Set<String> unexpected = new TreeSet<>(goneNames);
        unexpected.removeAll(mustGo);
        unexpected.removeAll(mayGo);
        assertEquals(Set.of(), unexpected, "deleted only what is past the age limit or the cap");
        Map<Long, String> added = new TreeMap<>(after);
        added.keySet().removeAll(before.keySet());
        assertEquals(new TreeSet<>(IntStream.rangeClosed(1, moving).mapToObj(i -> "Moving|Moving new " + i).toList()),
                new TreeSet<>(added.values()), "added: only the new articles");
        Map<String, Integer> perSource = countPerSource(db);
        assertEquals(MAX_PER_SOURCE, perSource.get("Alpha"));
    }

    interface ServerConsumer {
        void accept(ServerProcess server) throws Exception;
    }

    // ------------------------------------------------------------------ helpers

    /** source|title → published, of every article /news shows. */
    static Map<String, String> news(ServerProcess server) {
        JsonObject page = Http.getJson(server.uri("/news?limit=500"));
        Map<String, String> all = new TreeMap<>();
        for (JsonValue v : page.getJsonArray("articles")) {
            JsonObject a = v.asJsonObject();
            all.put(a.getString("source") + "|" + a.getString("title"), a.getString("published"));
        }
        assertEquals(page.getInt("total"), all.size());
        return all;
    }

    /** Every source's fetch state as /news/sources/stats shows it, instants to the millisecond. */
    static Map<String, String> stats(ServerProcess server) {
        Map<String, String> all = new TreeMap<>();
        for (JsonValue v : Http.getJson(server.uri("/news/sources/stats")).getJsonArray("sources")) {
            JsonObject s = v.asJsonObject();
            all.put(s.getString("name"), String.join(" ", s.getString("status"), String.valueOf(s.getInt("article_count")),
                    String.valueOf(s.getInt("consecutive_failures")), millis(s, "last_checked"),
                    millis(s, "next_attempt_at"), millis(s, "last_success_at"),
                    s.isNull("error_message") ? "-" : s.getString("error_message")));
        }
        return all;
    }

    private static String millis(JsonObject o, String key) {
        return o.isNull(key) ? "-" : Instant.parse(o.getString(key)).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static JsonObject storage(ServerProcess server) {
        return Http.getJson(server.uri("/debug/store"));
    }

    static void refresh(ServerProcess server) throws InterruptedException {
        long runs = Http.getJson(server.uri("/cache/status")).getInt("update_count");
        assertEquals("started", Http.json(Http.post(server.uri("/cache/refresh"))).getString("status"));
        assertTrue(waitFor(() -> Http.getJson(server.uri("/cache/status")).getInt("update_count") > runs, ofSeconds(40)),
                "the refresh ended");
    }

    static Frame lastFrame(ServerProcess server, String path) throws InterruptedException {
        try (SseConnection stream = SseConnection.open(server.uri(path))) {
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(20));
            Frame last = frames.get(frames.size() - 1);
            assertNotNull(last.id(), last.toString());
            return last;
        }
    }

    static List<String> kinds(List<Frame> frames) {
        return frames.stream().map(Frame::event).toList();
    }

    static Map<String, Integer> countPerSource(Connection db) throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT source_name, COUNT(*) FROM article GROUP BY source_name")) {
            while (rs.next()) counts.put(rs.getString(1), rs.getInt(2));
        }
        return counts;
    }

    static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    static String text(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    /** id → source|title of every stored article. */
    static Map<Long, String> ids(Connection db) throws SQLException {
        Map<Long, String> all = new TreeMap<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, source_name, title FROM article")) {
            while (rs.next()) all.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
        }
        return all;
    }

    /** Titles of the stored articles after {@code id} within the age limit, in id order: what a resume replays. */
    static List<String> titlesAfter(Connection db, long id) throws SQLException {
        List<String> titles = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT title FROM article WHERE id > ? AND published_at >= ? ORDER BY id")) {
            s.setLong(1, id);
            s.setLong(2, Instant.now().minus(RETENTION).toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) titles.add(rs.getString(1));
            }
        }
        return titles;
    }

    /** An article written the way the service writes one, straight into the database. */
    static void insert(Connection db, String source, String name, Instant published) throws SQLException {
        String key = "injected-" + name;
        long id = count(db, "SELECT COALESCE(MAX(id), 0) FROM article") + 1; // the service gives ids, not the database
        try (PreparedStatement s = db.prepareStatement("INSERT INTO article (source_name, key_hash, article_key, title,"
                + " link, description, category, country, published_at, first_seen_at, id) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, source);
            s.setString(2, sha256(key));
            s.setString(3, key);
            s.setString(4, "Injected " + name);
            s.setString(5, "http://127.0.0.1/injected/" + name);
            s.setString(6, "put there by the test");
            s.setString(7, "persist");
            s.setString(8, "US");
            s.setLong(9, published.toEpochMilli());
            s.setLong(10, Instant.now().toEpochMilli());
            s.setLong(11, id);
            assertEquals(1, s.executeUpdate());
        }
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        return Wait.waitFor(condition, timeout); // inherited by the scenarios' subclasses under its short name
    }

    static String joined(Map<?, ?> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }
}
