package dev.newsstream.ingest;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.newsstream.testing.Wait.waitFor;

import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import dev.newsstream.testing.WarClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache, the background refresh and the shared fetches, proven against a fixture server that
 * counts every request. Timings are small here (min-interval 3 s, fresh-for 6 s, back-off 1 s..4 s).
 */
class CacheIT extends WarClient {

    static final Duration MIN_INTERVAL = ofSeconds(3);
    static final Duration FRESH_FOR = ofSeconds(6);
    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.start();

    @Deployment(testable = false)
    static WebArchive deployment() {
        feeds.setDelay("/rss/shared-", Duration.ofMillis(1500));
        feeds.setDelay("/rss/slow.xml", ofSeconds(4));
        feeds.put("/flaky.xml", 500, "text/plain", "down".getBytes(StandardCharsets.UTF_8), null);
        feeds.put("/busy.xml", 503, "text/plain", "busy".getBytes(StandardCharsets.UTF_8), Map.of("Retry-After", "120"));
        SourcesJson sources = new SourcesJson();
        for (int i = 1; i <= 10; i++) sources.add("Shared " + i, feeds.url("/rss/shared-" + i + ".xml"), "shared");
        sources.add("Slow", feeds.url("/rss/slow.xml"), "slow")
                .add("Etag", feeds.url("/etag/tagged.xml"), "etag")
                .add("Flaky", feeds.url("/flaky.xml"), "flaky")
                .add("Busy", feeds.url("/busy.xml"), "busy")
                .add("Paper A", feeds.url("/rss/papera.xml"), "world")
                .add("Paper B", feeds.url("/atom/paperb.xml"), "world")
                .addConsolidated("Both Papers", "merged", feeds.url("/rss/papera.xml"), feeds.url("/atom/paperb.xml"));
        return Deployments.builtWar(Map.of(
                "newsstream.sources", Deployments.sourcesFile("cache-it", sources.json()),
                "newsstream.ingest.initial-delay", "1s",
                "newsstream.ingest.interval", "1h",
                "newsstream.ingest.backoff-base", "1s",
                "newsstream.ingest.backoff-max", "4s",
                "newsstream.fetch.min-interval", MIN_INTERVAL.toSeconds() + "s",
                "newsstream.cache.fresh-for", FRESH_FOR.toSeconds() + "s"));
    }

    @BeforeEach
    void firstRefreshDoneAndNoneRunning() throws InterruptedException {
        assertTrue(waitFor(() -> {
            JsonObject status = Http.getJson(uri("/cache/status"));
            return status.getInt("update_count") >= 1 && !status.getBoolean("update_in_progress");
        }, ofSeconds(40)), () -> "refresh never settled: " + Http.getJson(uri("/cache/status")));
    }

    @Test
    void theBackgroundRefreshFillsTheCacheShortlyAfterStart() {
        JsonObject status = Http.getJson(uri("/cache/status"));
        assertFalse(status.isNull("last_updated"));
        assertTrue(status.getInt("total_articles") >= 50, status.toString());
        assertEquals(17, status.getInt("total_sources"));
        assertTrue(status.getInt("sources_with_errors") >= 1, "Flaky fails: " + status);
        assertEquals(50, status.getJsonObject("category_breakdown").getInt("shared"));
        for (JsonValue v : Http.getJson(uri("/news/sources/stats")).getJsonArray("sources")) {
            assertFalse(v.asJsonObject().getString("status").equals("pending"), v.toString());
        }
    }

    @Test
    void twentyStreamsOverTheSameTenSourcesFetchEachSourceOnce() throws Exception {
        Thread.sleep(MIN_INTERVAL.toMillis() + 200); // past the background refresh's results
        feeds.resetCounts();
        List<CompletableFuture<List<Frame>>> streams = IntStream.range(0, 20)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> completeStream("/news/stream?category=shared&use_cache=false")))
                .toList();
        for (CompletableFuture<List<Frame>> stream : streams) {
            JsonObject complete = last(stream.get()).json();
            assertEquals(10, complete.getInt("successful_sources"), complete.toString());
            assertEquals(50, complete.getInt("total_articles"));
        }
        assertEquals(10, sharedRequests(), "20 streams x 10 sources, one upstream fetch per source");

        JsonObject again = last(completeStream("/news/stream?category=shared&use_cache=false")).json();
        assertEquals(10, again.getInt("successful_sources"));
        assertEquals(10, sharedRequests(), "within the min-interval the last result is reused");
    }

    private int sharedRequests() {
        return IntStream.rangeClosed(1, 10).map(i -> feeds.requestCount("/rss/shared-" + i + ".xml")).sum();
    }

    @Test
    void oneClientLeavingDoesNotStopTheFetchAnotherWaitsFor() throws Exception {
        Thread.sleep(MIN_INTERVAL.toMillis() + 200);
        feeds.resetCounts();
        try (SseConnection leaving = SseConnection.open(uri("/news/stream?category=slow&use_cache=false"));
             SseConnection staying = SseConnection.open(uri("/news/stream?category=slow&use_cache=false"))) {
            assertTrue(waitFor(() -> feeds.requestCount("/rss/slow.xml") == 1, ofSeconds(5)));
            leaving.abort();
            List<Frame> frames = staying.eventsUntil("complete", ofSeconds(20));
            JsonObject done = frames.stream().filter(f -> "source_complete".equals(f.event())).findFirst().orElseThrow().json();
            assertEquals("success", done.getJsonObject("source_stat").getString("status"));
            assertEquals(5, done.getJsonArray("articles").size());
            assertEquals(1, feeds.requestCount("/rss/slow.xml"), "one fetch served both");
        }
    }

    @Test
    void aSecondRefreshSendsTheValidatorsAndA304KeepsTheArticles() throws Exception {
        Thread.sleep(MIN_INTERVAL.toMillis() + 200);
        feeds.resetCounts();
        refreshAndWait();
        assertEquals(1, feeds.requestCount("/etag/tagged.xml"));
        assertEquals("\"v1-tagged\"", feeds.lastRequestHeaders("/etag/tagged.xml").get("if-none-match"));
        JsonObject etag = Http.getJson(uri("/news/source/Etag"));
        assertEquals(5, etag.getInt("total"), "a 304 keeps the cached articles");
        JsonObject stat = statOf("Etag");
        assertEquals("success", stat.getString("status"));
        assertEquals(0, stat.getInt("consecutive_failures"));
    }

    @Test
    void aFailingSourceBacksOffExponentiallyAndRecoversOnSuccess() throws Exception {
        try {
            JsonObject before = statOf("Flaky");
            int failures = before.getInt("consecutive_failures");
            assertTrue(failures >= 1, before.toString());
            waitUntilDue(before);
            int requests = feeds.requestCount("/flaky.xml");
            refreshAndWait();
            JsonObject after = statOf("Flaky");
            assertEquals(failures + 1, after.getInt("consecutive_failures"), after.toString());
            assertEquals("error", after.getString("status"));
            assertTrue(after.getString("error_message").contains("HTTP 500"));
            long expected = Math.min(1000L << failures, 4000L); // base 1 s doubling, capped at 4 s
            long delay = Duration.between(Instant.parse(after.getString("last_checked")),
                    Instant.parse(after.getString("next_attempt_at"))).toMillis();
            assertTrue(Math.abs(delay - expected) < 1500, "back-off " + delay + " ms, expected about " + expected);

            refreshAndWait(); // while it backs off the background refresh leaves it alone
            assertEquals(requests + 1, feeds.requestCount("/flaky.xml"), "not fetched while backing off");

            feeds.putFeed("/flaky.xml", FixtureFeedServer.rss("Flaky", List.of(new FixtureFeedServer.Item(
                    "Back again", "http://127.0.0.1/back", "back-1", Instant.parse("2026-11-21T00:00:00Z"), "ok"))));
            waitUntilDue(after);
            refreshAndWait();
            JsonObject recovered = statOf("Flaky");
            assertEquals("success", recovered.getString("status"), recovered.toString());
            assertEquals(0, recovered.getInt("consecutive_failures"));
            assertTrue(recovered.isNull("next_attempt_at"));
        } finally {
            feeds.put("/flaky.xml", 500, "text/plain", "down".getBytes(StandardCharsets.UTF_8), null);
        }
    }

    @Test
    void aRetryAfterLongerThanTheBackOffIsHonoured() {
        JsonObject busy = statOf("Busy");
        assertEquals("error", busy.getString("status"));
        assertTrue(busy.getString("error_message").contains("HTTP 503"), busy.toString());
        long delay = Duration.between(Instant.parse(busy.getString("last_checked")),
                Instant.parse(busy.getString("next_attempt_at"))).toSeconds();
        assertTrue(delay >= 115 && delay <= 125, "Retry-After: 120 beats the 1 s back-off, got " + delay + " s");
    }

    @Test
    void aFreshCacheAnswersAtOnceAndAStaleOneIsFetchedAndUpdated() throws Exception {
        Thread.sleep(MIN_INTERVAL.toMillis() + 200);
        completeStream("/news/stream?category=world&use_cache=false"); // now the cache is fresh
        feeds.resetCounts();

        List<Frame> fresh = completeStream("/news/stream?category=world");
        assertEquals(List.of("initial", "starting", "complete"), fresh.stream().map(Frame::event).toList());
        JsonObject initial = fresh.get(0).json();
        assertEquals(8, initial.getJsonArray("articles").size());
        assertEquals(2, initial.getJsonArray("source_stats").size());
        assertNotNull(fresh.get(0).retry());
        JsonObject complete = fresh.get(2).json();
        assertEquals("Used fresh cached data", complete.getString("message"));
        assertTrue(complete.getJsonNumber("cache_age_seconds").doubleValue() < FRESH_FOR.toSeconds());
        assertEquals(0, feeds.totalRequests(), "a fresh cache fetches nothing");

        Thread.sleep(FRESH_FOR.toMillis() + 200); // time itself is under test: past fresh-for
        List<Frame> stale = completeStream("/news/stream?category=world");
        assertEquals(List.of("initial", "starting", "source_complete", "source_complete", "complete"),
                stale.stream().map(Frame::event).toList());
        assertEquals(2, feeds.totalRequests(), "a stale cache is fetched again");
        Instant checked = Instant.parse(statOf("Paper A").getString("last_checked"));
        assertTrue(Duration.between(checked, Instant.now()).toSeconds() < 5, "the fetch updated the cache");
    }

    @Test
    void newsIsFilteredPagedAndRejectsBadParameters() {
        JsonObject world = Http.getJson(uri("/news?category=world"));
        assertEquals(8, world.getInt("total"));
        assertEquals(50, world.getInt("limit"));
        List<Instant> published = world.getJsonArray("articles").stream()
                .map(v -> Instant.parse(v.asJsonObject().getString("published"))).toList();
        assertEquals(published.stream().sorted(java.util.Comparator.reverseOrder()).toList(), published, "newest first");

        assertEquals(5, Http.getJson(uri("/news?source=Paper%20A")).getInt("total"));
        JsonObject page = Http.getJson(uri("/news?category=world&limit=3&offset=2"));
        assertEquals(3, page.getJsonArray("articles").size());
        assertEquals(world.getJsonArray("articles").get(2), page.getJsonArray("articles").get(0));
        assertEquals(2, Http.getJson(uri("/news?category=world&q=STORY%203")).getInt("total"), "case-insensitive q");
        JsonObject since = Http.getJson(uri("/news?source=Paper%20A&since=2026-11-20T09:30:00Z"));
        assertEquals(2, since.getInt("total"), "items at 11:00 and 10:00 only");

        for (String bad : List.of("limit=-1", "limit=abc", "limit=501", "offset=-3", "since=yesterday")) {
            HttpResponse<String> response = Http.get(uri("/news?" + bad));
            assertEquals(400, response.statusCode(), bad);
            assertFalse(Http.json(response).getString("detail").isBlank(), bad);
        }
        HttpResponse<String> unknown = Http.get(uri("/news/source/Nobody"));
        assertEquals(404, unknown.statusCode());
        assertTrue(Http.json(unknown).getString("detail").contains("Nobody"));

        JsonObject category = Http.getJson(uri("/news/category/world"));
        assertEquals(8, category.getInt("total"));
        assertEquals(List.of("Paper A", "Paper B"), category.getJsonArray("sources").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());

        JsonArray listing = Http.jsonAny(Http.get(uri("/sources"))).asJsonArray();
        JsonObject both = listing.stream().map(JsonValue::asJsonObject)
                .filter(o -> o.getString("name").equals("Both Papers")).findFirst().orElseThrow();
        assertEquals(2, both.getJsonArray("url").size(), "a consolidated source lists all its URLs");
        assertEquals(feeds.url("/rss/papera.xml").toString(), both.getString("rssUrl"));
    }

    @Test
    void theRefreshStreamReportsEverySourceAndRefusesASecondRefresh() throws Exception {
        Thread.sleep(MIN_INTERVAL.toMillis() + 200);
        assertEquals("started", Http.json(Http.post(uri("/cache/refresh"))).getString("status"));
        assertEquals("in_progress", Http.json(Http.post(uri("/cache/refresh"))).getString("status"));
        try (SseConnection busy = SseConnection.post(uri("/cache/refresh/stream"))) {
            List<Frame> frames = busy.eventsUntil("error", ofSeconds(10));
            assertTrue(frames.get(frames.size() - 1).json().getString("error").contains("already in progress"));
        }
        firstRefreshDoneAndNoneRunning();

        try (SseConnection stream = SseConnection.post(uri("/cache/refresh/stream"))) {
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(30));
            assertEquals("starting", frames.get(0).event());
            long sourceFrames = frames.stream().filter(f -> "source_complete".equals(f.event())).count();
            JsonObject complete = frames.get(frames.size() - 1).json();
            assertEquals(sourceFrames, complete.getInt("total_sources_processed"));
            assertTrue(sourceFrames >= 14, "every source not backing off: " + sourceFrames);
            JsonObject one = frames.get(1).json();
            assertTrue(one.containsKey("articles_from_source") && one.containsKey("source_stat"), one.toString());
            assertTrue(complete.containsKey("warning_sources"));
        }
    }

    @Test
    void debugSourceFetchesNowAndShowsWhatCameBack() {
        JsonObject debug = Http.getJson(uri("/debug/source/Paper%20A?force=true")); // within the min-interval: forced
        JsonObject url = debug.getJsonArray("urls").getJsonObject(0);
        assertTrue(url.getInt("http_status") == 200 || url.getInt("http_status") == 0, url.toString());
        assertEquals(5, debug.getInt("cached_articles"));
        assertEquals("Paper A", debug.getJsonObject("stats").getString("name"));
        assertEquals(404, Http.get(uri("/debug/source/Nobody")).statusCode());
    }

    private void refreshAndWait() throws InterruptedException {
        Http.refreshAndWait(this::uri);
    }

    private static void waitUntilDue(JsonObject stat) throws InterruptedException {
        if (stat.isNull("next_attempt_at")) return;
        Instant due = Instant.parse(stat.getString("next_attempt_at"));
        long wait = Duration.between(Instant.now(), due).toMillis() + 300;
        if (wait > 0) Thread.sleep(wait);
    }

    private JsonObject statOf(String name) {
        return Http.getJson(uri("/news/sources/stats")).getJsonArray("sources").stream().map(JsonValue::asJsonObject)
                .filter(o -> o.getString("name").equals(name)).findFirst().orElseThrow();
    }

    private List<Frame> completeStream(String path) {
        try (SseConnection stream = SseConnection.open(uri(path))) {
            return stream.eventsUntil("complete", ofSeconds(30));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Frame last(List<Frame> frames) {
        return frames.get(frames.size() - 1);
    }

}
