package dev.newsstream.sources;

import static dev.newsstream.testing.Wait.waitFor;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.ship.Build;
import dev.newsstream.ship.ServerProcess;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Sources you can bring and take, on the real WAR started by docker/start.sh, over three lives:
 * <ol>
 *   <li>with an operator token: adding and removing sources (401 without the token, 409 for a taken name
 *   or URL, 400 for a bad one), a removed source's fetch in flight cancelled, its articles dropped or kept
 *   as asked; an OPML file with broken entries imported and reported per feed; bad OPML refused with 400;
 *   the sources exported as OPML;</li>
 *   <li>restarted over the same database: the run-time additions and removals are still there;</li>
 *   <li>an empty instance (no sources, fresh database, no token: loopback only): importing the export gives
 *   the same sources.</li>
 * </ol>
 */
@Timeout(value = 1500, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // the fixture server and files are the one instance's: nothing static
class SourcesIT {

    static final String TOKEN = "s3cret-operator";
    FixtureFeedServer feeds;
    Path work;
    Path sourcesFile;

    /** What the first life served of what it kept (and dropped) of removed sources, for the second life to compare. */
    record Kept(int gamma, Map<String, String> zetaStories, List<String> initial, long resumeFrom, List<String> replayed,
                JsonObject storyPage, int zetaRequests) {
    }

    @BeforeAll
    void start() throws IOException {
        feeds = FixtureFeedServer.start();
        // titles no other fixture shares: their stories must not hang on an article that is dropped later
        feeds.putFeed("/kept/zeta.xml", FixtureFeedServer.rss("Zeta", List.of(
                item("Glacier museum opens its doors in Reykjavik harbour", "zeta-1", 1),
                item("Beekeepers report record lavender honey harvest", "zeta-2", 2),
                item("Chess prodigy draws against grandmaster in Tbilisi", "zeta-3", 3))));
        feeds.putFeed("/kept/eta.xml", FixtureFeedServer.rss("Eta", List.of(
                item("Glacier museum opens its doors in Reykjavik harbour", "eta-1", 1), // joins Zeta's story
                item("Origami robotics lab unveils folding drone", "eta-2", 2))));
        work = Build.workDir("sources-it");
        for (String dir : List.of("data-1", "data-3")) delete(work.resolve(dir));
        SourcesJson sources = new SourcesJson()
                .add("Alpha", feeds.url("/rss/alpha.xml"), "news")
                .add("Beta", feeds.url("/rss/beta.xml"), "news")
                .add("Gamma", feeds.url("/atom/gamma.xml"), "tech");
        sourcesFile = work.resolve("sources.json");
        Files.writeString(sourcesFile, sources.json());
    }

    @AfterAll
    void stop() {
        if (feeds != null) feeds.close();
    }

    @Test
    void sourcesAddedRemovedAndImportedSurviveARestartAndAnExportImportsIntoAnEmptyInstanceAsTheSameSources()
            throws Exception {
        String exported;
        Map<String, JsonObject> expected;
        Kept kept;
        try (ServerProcess server = boot("first", work.resolve("data-1"), sourcesFile, Map.of("NEWSSTREAM_ADMIN_TOKEN", TOKEN))) {
            firstRefreshDone(server);
            addingNeedsTheTokenAndAGoodNewSource(server);
            Kept gammaKept = removingCancelsTheFetchInFlightAndDropsOrKeepsTheArticles(server);
            kept = runTimeSourcesRemovedKeepTheirArticlesOrDropThem(server, gammaKept.gamma());
            importingABrokenFileReportsEveryFeed(server);
            badOpmlIsRefusedWithA400(server);
            HttpResponse<String> export = Http.get(server.uri("/sources.opml"), "text/x-opml", ofSeconds(10));
            assertEquals(200, export.statusCode());
            assertTrue(export.headers().firstValue("Content-Type").orElse("").startsWith("text/x-opml"));
            exported = export.body();
            assertTrue(exported.contains("<outline text=\"news\""), exported);
            expected = sources(server);
            assertEquals(List.of("Alpha", "Delta", "Epsilon"), List.copyOf(expected.keySet()));
        }

        try (ServerProcess server = boot("second", work.resolve("data-1"), sourcesFile, Map.of("NEWSSTREAM_ADMIN_TOKEN", TOKEN))) {
            assertEquals(expected, sources(server), "additions and removals survive a restart");
            keptArticlesAreServedAfterTheRestartAsBefore(server, kept);
            assertEquals(exported.replaceAll("<dateCreated>.*</dateCreated>", ""),
                    Http.get(server.uri("/sources.opml"), "text/x-opml", ofSeconds(10)).body()
                            .replaceAll("<dateCreated>.*</dateCreated>", ""));
        }

        Path empty = work.resolve("empty.json");
        Files.writeString(empty, "{}");
        try (ServerProcess server = boot("third", work.resolve("data-3"), empty, Map.of())) {
            assertEquals(Map.of(), sources(server));
            nonLoopbackAddress().ifPresent(address -> {
                URI remote = URI.create("http://" + address + ":" + server.port() + "/sources");
                assertEquals(403, Http.send(json(remote, "{\"name\":\"X\",\"url\":\"http://x/\"}", null)).statusCode(),
                        "without a token, changes come from this machine only");
            });
            JsonObject report = importAndWait(server, exported, null);
            assertEquals(3, report.getJsonObject("counts").getInt("added"), report.toString());
            assertEquals(expected, sources(server), "export, then import into an empty instance: the same sources");
        }
    }

    // ------------------------------------------------------------------ the first life

    void addingNeedsTheTokenAndAGoodNewSource(ServerProcess server) {
        String delta = "{\"name\":\"Delta\",\"url\":\"" + feeds.url("/rss/delta.xml") + "\",\"category\":\"added\"}";
        assertEquals(401, Http.send(json(server.uri("/sources"), delta, null)).statusCode());
        assertEquals(401, Http.send(json(server.uri("/sources"), delta, "wrong")).statusCode());
        HttpResponse<String> added = Http.send(json(server.uri("/sources"), delta, TOKEN));
        assertEquals(201, added.statusCode(), added.body());
        assertTrue(sources(server).containsKey("Delta"));

        HttpResponse<String> again = Http.send(json(server.uri("/sources"), delta, TOKEN));
        assertEquals(409, again.statusCode(), again.body());
        HttpResponse<String> sameUrl = Http.send(json(server.uri("/sources"),
                "{\"name\":\"Alpha again\",\"url\":\"" + feeds.url("/rss/alpha.xml") + "\"}", TOKEN));
        assertEquals(409, sameUrl.statusCode());
        assertTrue(Http.json(sameUrl).getString("detail").contains("Alpha"), sameUrl.body());
        for (String bad : List.of("not json", "[]", "{\"url\":\"http://x/\"}", "{\"name\":\"Ftp\",\"url\":\"ftp://x/feed\"}",
                "{\"name\":\"No URL\"}")) {
            HttpResponse<String> refused = Http.send(json(server.uri("/sources"), bad, TOKEN));
            assertEquals(400, refused.statusCode(), bad + " -> " + refused.body());
            assertFalse(Http.json(refused).getString("detail").isBlank());
        }
    }

    Kept removingCancelsTheFetchInFlightAndDropsOrKeepsTheArticles(ServerProcess server) throws Exception {
        HttpResponse<String> hanging = Http.send(json(server.uri("/sources"),
                "{\"name\":\"Hanging\",\"url\":\"" + feeds.url("/hang/removed") + "\",\"category\":\"hanging\"}", TOKEN));
        assertEquals(201, hanging.statusCode(), hanging.body());
        try (SseConnection stream = SseConnection.open(server.uri("/news/stream?category=hanging&use_cache=false"))) {
            assertTrue(waitFor(() -> feeds.openConnections("/hang/removed") == 1, ofSeconds(30)), "the fetch started");
            HttpResponse<String> removed = Http.send(delete(server.uri("/sources/Hanging?articles=drop"), TOKEN));
            assertEquals(200, removed.statusCode(), removed.body());
            assertTrue(Http.json(removed).getBoolean("fetch_cancelled"), removed.body());
            assertTrue(feeds.awaitNoOpenConnections("/hang/removed", ofSeconds(15)), "the removed source's fetch was aborted");
        }

        assertEquals(5, newsTotal(server, "Beta"));
        assertEquals(401, Http.send(delete(server.uri("/sources/Beta"), null)).statusCode());
        HttpResponse<String> dropped = Http.send(delete(server.uri("/sources/Beta?articles=drop"), TOKEN));
        assertEquals(200, dropped.statusCode(), dropped.body());
        assertEquals("dropped", Http.json(dropped).getString("articles"));
        assertEquals(0, newsTotal(server, "Beta"), "dropped with its source");

        int gamma = newsTotal(server, "Gamma");
        assertTrue(gamma > 0);
        HttpResponse<String> kept = Http.send(delete(server.uri("/sources/Gamma"), TOKEN));
        assertEquals("kept", Http.json(kept).getString("articles"));
        assertEquals(gamma, newsTotal(server, "Gamma"), "kept as asked");
        assertFalse(sources(server).containsKey("Gamma"));

        assertEquals(404, Http.send(delete(server.uri("/sources/Nobody"), TOKEN)).statusCode());
        assertEquals(400, Http.send(delete(server.uri("/sources/Alpha?articles=shred"), TOKEN)).statusCode());
        return new Kept(gamma, null, null, 0, null, null, 0);
    }

    /**
     * Two sources added at run time and fetched; Eta removed with articles=drop (gone from /news, from a
     * stream's initial and from a Last-Event-ID replay), Zeta with articles=keep (served in all of them, never
     * fetched again). Returns what was served, for the second life.
     */
    Kept runTimeSourcesRemovedKeepTheirArticlesOrDropThem(ServerProcess server, int gamma) throws Exception {
        long resumeFrom = Long.parseLong(lastFrame(server, "/news/stream?category=news").id());
        for (String name : List.of("Zeta", "Eta")) { // one after the other: Zeta's article starts the shared story
            String body = "{\"name\":\"" + name + "\",\"url\":\"" + feeds.url("/kept/" + name.toLowerCase() + ".xml")
                    + "\",\"category\":\"kept\"}";
            HttpResponse<String> added = Http.send(json(server.uri("/sources"), body, TOKEN));
            assertEquals(201, added.statusCode(), added.body());
            try (SseConnection fetch = SseConnection.open(server.uri("/news/stream?category=kept&use_cache=false"))) {
                fetch.eventsUntil("complete", ofSeconds(60));
            }
        }
        assertEquals(3, newsTotal(server, "Zeta"));
        assertEquals(2, newsTotal(server, "Eta"));
        assertEquals(List.of("Eta"), alsoReportedBy(server, "Zeta", "Glacier museum opens its doors in Reykjavik harbour"));

        HttpResponse<String> dropped = Http.send(delete(server.uri("/sources/Eta?articles=drop"), TOKEN));
        assertEquals("dropped", Http.json(dropped).getString("articles"), dropped.body());
        HttpResponse<String> keptZeta = Http.send(delete(server.uri("/sources/Zeta?articles=keep"), TOKEN));
        assertEquals("kept", Http.json(keptZeta).getString("articles"), keptZeta.body());
        assertEquals(0, newsTotal(server, "Eta"), "dropped with its source");
        assertEquals(3, newsTotal(server, "Zeta"), "kept as asked");
        assertEquals(List.of(), alsoReportedBy(server, "Zeta", "Glacier museum opens its doors in Reykjavik harbour"),
                "a dropped source is no longer named as also reporting a story");

        Map<String, String> zetaStories = storiesOf(server, "Zeta");
        List<String> initial = initialTitles(server, "/news/stream?category=kept");
        assertEquals(new TreeSet<>(zetaStories.keySet()), new TreeSet<>(initial),
                "a stream's initial frame shows the kept articles, not the dropped ones");
        List<String> replayed = replayedTitles(server, "/news/stream?category=kept", resumeFrom);
        assertEquals(new TreeSet<>(zetaStories.keySet()), new TreeSet<>(replayed),
                "a resume replays the kept articles, not the dropped ones");
        JsonObject storyPage = Http.getJson(server.uri("/news?group=story&category=kept"));
        assertEquals(3, storyPage.getJsonArray("stories").size(), storyPage.toString());
        return new Kept(gamma, zetaStories, initial, resumeFrom, replayed, storyPage, feeds.requestCount("/kept/zeta.xml"));
    }

    // ------------------------------------------------------------------ the second life

    void keptArticlesAreServedAfterTheRestartAsBefore(ServerProcess server, Kept kept) throws Exception {
        assertEquals(kept.gamma(), newsTotal(server, "Gamma"), "a file source removed with its articles kept");
        assertEquals(kept.zetaStories(), storiesOf(server, "Zeta"), "the kept articles, each in the story it was in");
        assertEquals(0, newsTotal(server, "Eta"), "dropped articles do not come back");
        assertEquals(kept.storyPage(), Http.getJson(server.uri("/news?group=story&category=kept")));
        assertEquals(kept.initial(), initialTitles(server, "/news/stream?category=kept"));
        assertEquals(kept.replayed(), replayedTitles(server, "/news/stream?category=kept", kept.resumeFrom()),
                "Last-Event-ID from before the restart replays the kept articles as before");
        firstRefreshDone(server);
        assertEquals(kept.zetaRequests(), feeds.requestCount("/kept/zeta.xml"), "a removed source is not fetched again");
    }

    void importingABrokenFileReportsEveryFeed(ServerProcess server) throws Exception {
        String opml = "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>mixed</title></head><body>\n"
                + "<outline text=\"imported\">\n"
                + "  <outline type=\"rss\" text=\"Epsilon\" xmlUrl=\"" + feeds.url("/rss/epsilon.xml") + "\"/>\n"
                + "  <outline type=\"rss\" text=\"Alpha copy\" xmlUrl=\"" + feeds.url("/rss/alpha.xml") + "\"/>\n"
                + "  <outline type=\"rss\" text=\"Gone\" xmlUrl=\"" + feeds.url("/status/404") + "\"/>\n"
                + "  <outline type=\"rss\" text=\"Refused\" xmlUrl=\"http://127.0.0.1:1/feed.xml\"/>\n"
                + "  <outline type=\"rss\" text=\"Web page\" xmlUrl=\"" + feeds.url("/html") + "\"/>\n"
                + "  <outline type=\"rss\" text=\"Ftp\" xmlUrl=\"ftp://example.org/feed\"/>\n"
                + "</outline></body></opml>\n";
        assertEquals(401, Http.send(post(server.uri("/sources/import"), opml, null)).statusCode());
        JsonObject report = importAndWait(server, opml, TOKEN);
        assertEquals("complete", report.getString("status"));
        assertEquals(6, report.getInt("total"));
        Map<String, String> results = new LinkedHashMap<>();
        for (JsonValue v : report.getJsonArray("feeds")) {
            results.put(v.asJsonObject().getString("name"), v.asJsonObject().getString("result"));
            assertFalse(v.asJsonObject().isNull("detail"), v.toString());
        }
        assertEquals(Map.of("Epsilon", "added", "Alpha copy", "duplicate", "Gone", "unreachable", "Refused", "unreachable",
                "Web page", "not_a_feed", "Ftp", "invalid"), results);
        JsonObject counts = report.getJsonObject("counts");
        assertEquals(1, counts.getInt("added"));
        assertEquals(2, counts.getInt("unreachable"));
        assertEquals("imported", sources(server).get("Epsilon").getString("category"));
    }

    void badOpmlIsRefusedWithA400(ServerProcess server) {
        Map<String, String> bad = Map.of(
                "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><opml><body>"
                        + "<outline xmlUrl=\"http://a/&x;\"/></body></opml>", "DOCTYPE",
                "this is not XML", "not well-formed XML",
                "<rss version=\"2.0\"><channel/></rss>", "not an OPML file",
                "<opml><body>" + "<outline text=\"padding\"/>".repeat(8000) + "</body></opml>", "larger than");
        bad.forEach((body, says) -> {
            HttpResponse<String> refused = Http.send(post(server.uri("/sources/import"), body, TOKEN));
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(Http.json(refused).getString("detail").contains(says), refused.body());
        });
    }

    // ------------------------------------------------------------------ helpers

    /** Starts an import, follows its events to the end and returns its report. */
    JsonObject importAndWait(ServerProcess server, String opml, String token) throws Exception {
        HttpResponse<String> started = Http.send(post(server.uri("/sources/import"), opml, token));
        assertEquals(202, started.statusCode(), started.body());
        String id = Http.json(started).getString("id");
        assertEquals("/sources/import/" + id, URI.create(started.headers().firstValue("Location").orElseThrow()).getPath());
        try (SseConnection events = SseConnection.open(server.uri("/sources/import/" + id + "/events"))) {
            List<Frame> frames = events.eventsUntil("import_complete", ofSeconds(120));
            assertEquals("import_status", frames.get(0).event(), frames.toString());
            JsonObject complete = frames.get(frames.size() - 1).json();
            int checkedBefore = frames.get(0).json().getJsonObject("report").getInt("checked");
            long feedEvents = frames.stream().filter(f -> "feed".equals(f.event())).count();
            assertEquals(complete.getInt("total"), checkedBefore + feedEvents, "every feed reported once: " + frames);
        }
        JsonObject report = Http.getJson(server.uri("/sources/import/" + id));
        assertEquals("complete", report.getString("status"), report.toString());
        return report;
    }

    /** A source's articles in /news: title to story id. */
    static Map<String, String> storiesOf(ServerProcess server, String source) {
        Map<String, String> stories = new TreeMap<>();
        for (JsonValue v : Http.getJson(server.uri("/news?source=" + source)).getJsonArray("articles")) {
            stories.put(v.asJsonObject().getString("title"), v.asJsonObject().getString("story_id"));
        }
        return stories;
    }

    /** The sources /news names as also reporting the story of a source's article. */
    static List<String> alsoReportedBy(ServerProcess server, String source, String title) {
        for (JsonValue v : Http.getJson(server.uri("/news?source=" + source)).getJsonArray("articles")) {
            if (!v.asJsonObject().getString("title").equals(title)) continue;
            return v.asJsonObject().getJsonArray("also_reported_by").stream()
                    .map(r -> r.asJsonObject().getString("source")).toList();
        }
        throw new AssertionError(source + " has no article '" + title + "'");
    }

    static List<String> initialTitles(ServerProcess server, String path) throws InterruptedException {
        try (SseConnection stream = SseConnection.open(server.uri(path))) {
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(60));
            return frames.stream().filter(f -> "initial".equals(f.event())).findFirst()
                    .map(f -> f.json().getJsonArray("articles").stream()
                            .map(a -> a.asJsonObject().getString("title")).toList())
                    .orElse(List.of());
        }
    }

    static List<String> replayedTitles(ServerProcess server, String path, long lastEventId) throws InterruptedException {
        try (SseConnection stream = SseConnection.open(server.uri(path), Map.of("Last-Event-ID", String.valueOf(lastEventId)))) {
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(60));
            assertFalse(frames.stream().anyMatch(f -> "resync".equals(f.event())), frames.toString());
            return frames.stream().filter(f -> "article".equals(f.event()))
                    .map(f -> f.json().getJsonObject("article").getString("title")).toList();
        }
    }

    static Frame lastFrame(ServerProcess server, String path) throws InterruptedException {
        try (SseConnection stream = SseConnection.open(server.uri(path))) {
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(60));
            Frame last = frames.get(frames.size() - 1);
            assertTrue(last.id() != null, last.toString());
            return last;
        }
    }

    static FixtureFeedServer.Item item(String title, String guid, int hoursBefore) {
        return new FixtureFeedServer.Item(title, "https://kept.example/" + guid, guid,
                FixtureFeedServer.BASE_DATE.minus(Duration.ofHours(hoursBefore)), "<p>" + title + "</p>");
    }

    static Map<String, JsonObject> sources(ServerProcess server) {
        Map<String, JsonObject> byName = new TreeMap<>();
        for (JsonValue v : Http.jsonAny(Http.get(server.uri("/sources"))).asJsonArray()) {
            byName.put(v.asJsonObject().getString("name"), v.asJsonObject());
        }
        return byName;
    }

    static int newsTotal(ServerProcess server, String source) {
        return Http.getJson(server.uri("/news?source=" + source.replace(" ", "%20"))).getInt("total");
    }

    static void firstRefreshDone(ServerProcess server) throws InterruptedException {
        assertTrue(waitFor(() -> {
            JsonObject status = Http.getJson(server.uri("/cache/status"));
            return status.getInt("update_count") >= 1 && !status.getBoolean("update_in_progress");
        }, ofSeconds(90)), "the first refresh ended");
    }

    static HttpRequest json(URI uri, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b.build();
    }

    static HttpRequest post(URI uri, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(ofSeconds(20)).header("Content-Type", "text/x-opml")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b.build();
    }

    static HttpRequest delete(URI uri, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(ofSeconds(20)).DELETE();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b.build();
    }

    ServerProcess boot(String life, Path dataDir, Path sources, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PAYARA_MICRO_JAR", Build.payaraMicroJar().toString());
        env.put("NEWSSTREAM_WAR", Build.war().toString());
        env.put("NEWSSTREAM_CONFIG_DIR", Build.serverConfig().toString());
        env.put("NEWSSTREAM_SOURCES", sources.toString());
        env.put("NEWSSTREAM_DATA_DIR", dataDir.toString());
        env.put("NEWSSTREAM_STORE_RETENTION", "36500d");
        env.put("NEWSSTREAM_FETCH_MIN_INTERVAL", "0s");
        env.put("NEWSSTREAM_FETCH_TIMEOUT", "60s"); // the hanging feed must still be in flight when it is removed
        env.put("NEWSSTREAM_INGEST_INITIAL_DELAY", "1s");
        // every fixture feed is on one host: the first refresh, which the first life waits for, at once
        // instead of spread over the default 2 minutes
        env.put("NEWSSTREAM_INGEST_HOST_SPREAD", "0s");
        env.put("NEWSSTREAM_SOURCES_IMPORT_MAX_BYTES", "100000");
        env.put("JAVA_OPTS", ServerProcess.TEST_JAVA_OPTS);
        env.putAll(extra);
        return ServerProcess.boot("sources-" + life, port -> {
            Map<String, String> withPort = new LinkedHashMap<>(env);
            withPort.put("NEWSSTREAM_PORT", String.valueOf(port));
            return ServerProcess.hermetic(List.of("sh", Build.startScript().toString()), withPort);
        });
    }

    /** An address of this machine that is not loopback, to show that only loopback may change sources without a token. */
    static Optional<String> nonLoopbackAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) continue;
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) return Optional.of(a.getHostAddress());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
