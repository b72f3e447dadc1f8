package dev.newsstream.ingest;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import dev.newsstream.testing.Wait;
import dev.newsstream.testing.WarClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Feed content can never wedge a fetch, the ingestion or the database: markup nested 100,000 levels
 * deep, a 5 MB title and GUID, a 100 KB ETag, Retry-After a million years ahead, and a feed that
 * redirects but has validators, all on the real WAR against the fixture feed server.
 */
class HostileFeedsIT extends WarClient {

    static final String TOKEN = "hostile-it";
    static final int DEEP = 100_000;
    static final int HUGE = 5 * 1024 * 1024;
    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.start();
    @RegisterExtension
    /** A second "host" on 127.0.0.2, which this deployment's configuration classifies as internal. */
    static final FixtureFeedServer internalHost = FixtureFeedServer.start("127.0.0.2");

    @Deployment(testable = false)
    static WebArchive deployment() {
        String item = "<item><title>deep</title><link>" + feeds.url("/a/1") + "</link>" + "<x:a>".repeat(DEEP)
                + "</x:a>".repeat(DEEP) + "</item>";
        feeds.putFeed("/deep.xml", "<rss version=\"2.0\" xmlns:x=\"urn:x\"><channel><title>Deep</title>" + item
                + "</channel></rss>");
        String huge = "w".repeat(HUGE);
        String longLink = feeds.url("/a/" + "p".repeat(3000)).toString();
        feeds.putFeed("/huge.xml", "<rss version=\"2.0\"><channel><title>" + huge + "</title><item><title>" + huge
                + "</title><link>" + longLink + "</link><guid isPermaLink=\"false\">" + huge + "</guid><description>"
                + huge + "</description></item><item><title>normal</title><link>" + feeds.url("/a/2")
                + "</link></item></channel></rss>");
        feeds.put("/bigetag.xml", 200, FixtureFeedServer.RSS_TYPE, FixtureFeedServer.rss("Big", List.of(
                        new FixtureFeedServer.Item("t", feeds.url("/a/3").toString(), "g3", Instant.EPOCH, "d")))
                        .getBytes(StandardCharsets.UTF_8),
                Map.of("ETag", "\"" + "e".repeat(100_000) + "\"", "Last-Modified", "x".repeat(10_000)));
        feeds.put("/moved.xml", 301, "text/plain", "moved".getBytes(StandardCharsets.UTF_8),
                Map.of("Location", feeds.url("/etag/moved.xml").toString()));
        feeds.put("/absurd.xml", 503, "text/plain", "busy".getBytes(StandardCharsets.UTF_8),
                Map.of("Retry-After", "9".repeat(40)));
        feeds.put("/far.xml", 429, "text/plain", "slow down".getBytes(StandardCharsets.UTF_8),
                Map.of("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"));
        feeds.put("/to-internal.xml", 302, "text/plain", "see".getBytes(StandardCharsets.UTF_8),
                Map.of("Location", internalHost.url("/rss/secret.xml").toString()));
        internalHost.put("/to-public.xml", 302, "text/plain", "see".getBytes(StandardCharsets.UTF_8),
                Map.of("Location", feeds.url("/rss/public.xml").toString()));
        internalHost.put("/to-itself.xml", 302, "text/plain", "see".getBytes(StandardCharsets.UTF_8),
                Map.of("Location", internalHost.url("/rss/own.xml").toString()));
        SourcesJson sources = new SourcesJson()
                .add("Sneaky", feeds.url("/to-internal.xml"), "redirects")
                .add("Intranet", internalHost.url("/to-itself.xml"), "redirects")
                .add("Intranet Out", internalHost.url("/to-public.xml"), "redirects")
                .add("Good", feeds.url("/rss/good.xml"), "hostile")
                .add("Deep", feeds.url("/deep.xml"), "hostile")
                .add("Huge", feeds.url("/huge.xml"), "hostile")
                .add("Big Etag", feeds.url("/bigetag.xml"), "hostile")
                .add("Moved", feeds.url("/moved.xml"), "hostile")
                .add("Absurd", feeds.url("/absurd.xml"), "hostile")
                .add("Far", feeds.url("/far.xml"), "hostile");
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                // every fixture feed shares one host: this class is about each feed's own answers, so neither a
                // host-wide pause after several Retry-After answers nor a feed's refresh hint may hold a fetch back
                "newsstream.fetch.max-per-host", "1000",
                "newsstream.fetch.host-pause-after", "1000",
                "newsstream.fetch.hint-max", "0s"));
        return Deployments.builtWar(merged(config, Map.of(
                "newsstream.sources", Deployments.sourcesFile("hostile-it", sources.json()),
                "newsstream.ingest.initial-delay", "1h",
                "newsstream.ingest.interval", "1h",
                "newsstream.ingest.backoff-base", "1s",
                "newsstream.ingest.backoff-max", "2s",
                "newsstream.fetch.min-interval", "0s",
                "newsstream.debug.token", TOKEN,
                // 127.0.0.1 stands for the public internet here, 127.0.0.2 for an internal network
                "newsstream.fetch.internal-networks", "127.0.0.2/32",
                "newsstream.fetch.max-bytes", String.valueOf(32 * 1024 * 1024))));
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return all;
    }

    /**
     * The checks of Retry-After and of validators need a fetch of the hostile feeds before their own,
     * whichever test runs first (no background refresh runs here).
     */
    @BeforeEach
    void theHostileFeedsWereFetchedOnce() throws InterruptedException {
        if ("pending".equals(statOf("Moved").getString("status"))) stream("/news/stream?category=hostile&use_cache=false");
    }

    @Test
    void aRedirectFromAPublicAddressToAnInternalOneIsRefusedButConfiguredInternalSourcesWork() throws Exception {
        List<Frame> frames = stream("/news/stream?category=redirects&use_cache=false");
        JsonObject sneaky = completion(frames, "Sneaky").getJsonObject("source_stat");
        assertEquals("error", sneaky.getString("status"));
        assertEquals("redirect to an internal address refused", sneaky.getString("error_message"));
        assertEquals(0, internalHost.requestCount("/rss/secret.xml"), "the internal address was never contacted");
        assertTrue(feeds.requestCount("/to-internal.xml") >= 1);

        JsonObject intranet = completion(frames, "Intranet").getJsonObject("source_stat");
        assertEquals("success", intranet.getString("status"), "configured internal, redirected internally: " + intranet);
        assertTrue(internalHost.requestCount("/rss/own.xml") >= 1);
        JsonObject out = completion(frames, "Intranet Out").getJsonObject("source_stat");
        assertEquals("success", out.getString("status"), "internal to public is no escalation: " + out);
    }

    @Test
    void hostileContentCostsOnlyItsOwnFeedAndEveryStringStaysWithinItsMaximum() throws Exception {
        List<Frame> frames = stream("/news/stream?category=hostile&use_cache=false");
        JsonObject deep = completion(frames, "Deep");
        assertEquals("error", deep.getJsonObject("source_stat").getString("status"));
        assertTrue(deep.getJsonObject("source_stat").getString("error_message").contains("nested deeper than"),
                deep.toString());
        assertEquals("success", completion(frames, "Good").getJsonObject("source_stat").getString("status"));

        JsonObject huge = completion(frames, "Huge");
        List<JsonObject> articles = huge.getJsonArray("articles").stream().map(JsonValue::asJsonObject).toList();
        assertEquals(2, articles.size(), huge.toString().substring(0, Math.min(2000, huge.toString().length())));
        for (JsonObject a : articles) {
            assertTrue(a.getString("title").length() <= 500, "title of " + a.getString("title").length());
            assertTrue(a.getString("description").length() <= 500);
            assertTrue(a.isNull("link") || a.getString("link").length() <= 2048);
        }
        assertTrue(frames.stream().mapToInt(f -> f.data() == null ? 0 : f.data().length()).max().orElse(0) < 100_000,
                "no frame carries megabytes");

        // the store took it: the database is up and no write waits
        assertTrue(Wait.waitFor(() -> {
            JsonObject ready = readyData();
            return "true".equals(String.valueOf(ready.get("database_up")).replace("\"", ""))
                    && "0".equals(String.valueOf(ready.get("pending_writes")).replace("\"", ""));
        }, ofSeconds(20)), () -> readyData().toString());
        JsonObject store = Http.json(Http.send(java.net.http.HttpRequest.newBuilder(uri("/debug/store"))
                .header("Authorization", "Bearer " + TOKEN).timeout(ofSeconds(10)).GET().build()));
        assertEquals(0, store.getJsonNumber("refused_rows").longValue(), "the columns take every maximum: " + store);
        assertEquals(0, store.getJsonNumber("failed_writes").longValue(), store.toString());
        // and the background refresh and POST /cache/refresh still work after all that
        Http.refreshAndWait(this::uri);
        assertTrue(Http.getJson(uri("/news/source/Huge")).toString().length() < 100_000);
    }

    @Test
    void retryAfterFromTheFarFutureOrAnAbsurdNumberShelvesASourceForADayAtMost() {
        for (String name : List.of("Absurd", "Far")) {
            JsonObject stat = statOf(name);
            assertEquals("error", stat.getString("status"), stat.toString());
            long delay = Duration.between(Instant.parse(stat.getString("last_checked")),
                    Instant.parse(stat.getString("next_attempt_at"))).toSeconds();
            assertTrue(delay >= 24 * 3600 - 60 && delay <= 24 * 3600 + 60, name + ": next attempt in " + delay + " s");
        }
    }

    @Test
    void aHugeEtagIsDroppedNotKeptOrSentBack() throws Exception {
        stream("/news/stream?category=hostile&use_cache=false");
        Map<String, String> headers = feeds.lastRequestHeaders("/bigetag.xml");
        assertFalse(headers.isEmpty());
        assertNull(headers.get("if-none-match"), "a 100 KB ETag is not sent back");
        assertNull(headers.get("if-modified-since"));
        assertEquals("success", statOf("Big Etag").getString("status"));
    }

    @Test
    void conditionalGetWorksForAFeedThatRedirects() throws Exception {
        stream("/news/stream?category=hostile&use_cache=false");
        assertEquals("\"v1-moved\"", feeds.lastRequestHeaders("/moved.xml").get("if-none-match"),
                "validators are kept under the configured URL and sent to it");
        assertEquals("\"v1-moved\"", feeds.lastRequestHeaders("/etag/moved.xml").get("if-none-match"));
        JsonObject moved = statOf("Moved");
        assertEquals("success", moved.getString("status"), moved.toString());
        assertTrue(moved.getInt("article_count") > 0, "a 304 keeps the cached articles: " + moved);
    }

    private List<Frame> stream(String path) throws InterruptedException {
        try (SseConnection stream = SseConnection.open(uri(path))) {
            return stream.eventsUntil("complete", ofSeconds(60));
        }
    }

    private static JsonObject completion(List<Frame> frames, String source) {
        return frames.stream().filter(f -> "source_complete".equals(f.event())).map(Frame::json)
                .filter(o -> o.getString("source").equals(source)).findFirst()
                .orElseThrow(() -> new AssertionError("no source_complete for " + source + " in "
                        + frames.stream().map(Frame::event).toList()));
    }

    private JsonObject statOf(String name) {
        return Http.getJson(uri("/news/sources/stats")).getJsonArray("sources").stream().map(JsonValue::asJsonObject)
                .filter(o -> o.getString("name").equals(name)).findFirst().orElseThrow();
    }

    private JsonObject readyData() {
        return Http.json(Http.get(uri("/health/ready"))).getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getString("name").equals("ready")).findFirst().orElseThrow().getJsonObject("data");
    }
}
