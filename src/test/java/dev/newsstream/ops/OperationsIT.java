package dev.newsstream.ops;

import static dev.newsstream.testing.Scenario.step;
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
import dev.newsstream.testing.Wait;
import dev.newsstream.testing.WarClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What operators see: health that tells the truth, the debug endpoints that name what is stuck,
 * metrics that move, and JSON errors for every bad request. The feed executor is saturated on purpose
 * by a stream over more never-answering sources than it has threads.
 */
class OperationsIT extends WarClient {

    static final String TOKEN = "s3cret";
    static final int HANGING = 70;
    /** Fewer than HANGING: the rest queue for a slot of their host (all fixture feeds are on one). */
    static final int PER_HOST = 60;
    /** A live stream's lifetime: here, where no other test keeps a live stream open that it could cut short. */
    static final Duration LIFETIME = ofSeconds(12);
    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.start();

    @Deployment(testable = false)
    static WebArchive deployment() {
        SourcesJson sources = new SourcesJson()
                .add("Good", feeds.url("/rss/good.xml"), "good")
                .add("Gone", feeds.url("/status/404"), "gone")
                .add("Slow", feeds.url("/rss/slow.xml"), "slow");
        for (int i = 1; i <= HANGING; i++) sources.add("Stuck " + i, feeds.url("/hang/stuck-" + i), "saturate");
        feeds.setDelay("/rss/slow.xml", ofSeconds(30)); // outlives the 8 s deadline: only a disconnect ends it early
        Map<String, String> config = new HashMap<>();
        config.put("newsstream.sources", Deployments.sourcesFile("ops-it", sources.json()));
        config.put("newsstream.fetch.timeout", "8s");
        // a fetch waiting on the network holds no thread, so hanging feeds no longer fill the feed executor;
        // what queues them now is their host's limit
        config.put("newsstream.fetch.max-per-host", String.valueOf(PER_HOST));
        // the readiness scenario starts the first refresh itself: warming up lasts until it does, whatever the
        // order of the tests and however slowly the machine boots (no other test fetches a source with articles)
        config.put("newsstream.ingest.initial-delay", "1h");
        config.put("newsstream.ingest.interval", "1h");
        config.put("newsstream.fetch.min-interval", "0s");
        config.put("newsstream.health.max-queued-fetches", "3");
        // below the 16 s that a fetch queued behind the first 60 lives (8 s queued, 8 s running)
        config.put("newsstream.health.hung-after", "11s");
        // the saturation and disconnect tests stream sources the first refresh saw fail: streams obey
        // back-off, so it must be over by then for them to fetch
        config.put("newsstream.ingest.backoff-base", "1ms");
        config.put("newsstream.stream.max-lifetime", LIFETIME.toSeconds() + "s");
        config.put("newsstream.debug.token", TOKEN);
        return Deployments.builtWar(config);
    }

    /**
     * Readiness over the server's life, one scenario because each step needs the one before: warming up until
     * the first refresh, ready with data, down while the feed executor is saturated, ready again.
     */
    @Test
    void readinessWaitsForTheFirstRefreshGoesDownWhileTheExecutorIsSaturatedAndComesBack() throws Throwable {
        step("readiness waits for the first refresh, then every check is up with data",
                this::readinessWaitsForTheFirstRefreshThenEveryCheckIsUpWithData);
        step("a saturated executor makes readiness down but not liveness, and /debug/executor shows where",
                this::aSaturatedExecutorMakesReadinessDownButNotLivenessAndDebugExecutorShowsWhere);
    }

    private void readinessWaitsForTheFirstRefreshThenEveryCheckIsUpWithData() throws Exception {
        HttpResponse<String> early = Http.get(uri("/health/ready"));
        assertEquals(503, early.statusCode(), early.body());
        assertTrue(early.body().contains("first refresh not done yet"), early.body());
        assertEquals(200, Http.get(uri("/health/live")).statusCode(), "alive while warming up");
        assertEquals("started", Http.json(Http.post(uri("/cache/refresh"))).getString("status"), "the first refresh");

        // while the refresh runs, its hanging feeds queue for their host and may make readiness DOWN again
        // (saturated), so the ready answer is checked as it came
        AtomicReference<HttpResponse<String>> readyAnswer = new AtomicReference<>();
        assertTrue(waitFor(() -> {
            readyAnswer.set(Http.get(uri("/health/ready")));
            return readyAnswer.get().statusCode() == 200;
        }, ofSeconds(90)), () -> readyAnswer.get().body());
        JsonObject ready = check(Http.json(readyAnswer.get()), "ready");
        assertEquals(HANGING + 3, num(ready, "sources"));
        assertTrue(num(ready, "cached_articles") >= 5, "ready as soon as there is something to show");
        assertTrue(waitFor(() -> Http.getJson(uri("/cache/status")).getInt("update_count") >= 1, ofSeconds(40)));
        ready = check(Http.json(Http.get(uri("/health/ready"))), "ready");
        assertEquals(1, num(ready, "refreshes_completed"));
        assertTrue(num(ready, "sources_failing") >= 1, "Gone and the stuck ones fail: " + ready);
        assertNotNull(ready.getString("last_refresh"));

        JsonObject live = check(Http.json(Http.get(uri("/health/live"))), "live");
        assertEquals(0, num(live, "hung_fetches"));
        JsonObject started = check(Http.json(Http.get(uri("/health/started"))), "started");
        assertEquals("true", started.get("executors_resolved").toString().replace("\"", ""));
        assertEquals("UP", Http.json(Http.get(uri("/health"))).getString("status"));
    }

    /** A fetch that /debug/executor shows waiting on the network for at least a second. */
    private java.util.Optional<JsonObject> waitingOnNetwork() {
        return Http.json(debug("/debug/executor")).getJsonArray("fetches").stream().map(JsonValue::asJsonObject)
                .filter(f -> f.getString("state").equals("network"))
                .filter(f -> f.get("busy_seconds") != null && f.getJsonNumber("busy_seconds").doubleValue() >= 1.0)
                .findFirst();
    }

    /** Health data values may come as JSON numbers or strings, depending on the server. */
    private static long num(JsonObject data, String key) {
        JsonValue v = data.get(key);
        assertNotNull(v, key + " missing in " + data);
        return v.getValueType() == JsonValue.ValueType.NUMBER ? ((jakarta.json.JsonNumber) v).longValue()
                : Long.parseLong(((jakarta.json.JsonString) v).getString());
    }

    private static JsonObject check(JsonObject health, String name) {
        assertEquals("UP", health.getString("status"), health.toString());
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> c.getString("name").equals(name)).findFirst().orElseThrow().getJsonObject("data");
    }

    private void aSaturatedExecutorMakesReadinessDownButNotLivenessAndDebugExecutorShowsWhere() throws Exception {
        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=saturate&use_cache=false"))) {
            stream.nextEvent(ofSeconds(10));
            assertTrue(waitFor(() -> feeds.openConnections("/hang/stuck") == PER_HOST, ofSeconds(10)),
                    () -> feeds.openConnections("/hang/stuck") + " open");
            Wait.until(() -> waitingOnNetwork().isPresent(), ofSeconds(20), () -> debug("/debug/executor").body());

            HttpResponse<String> ready = Http.get(uri("/health/ready"));
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("feed executor saturated"), ready.body());
            assertEquals(200, Http.get(uri("/health/live")).statusCode(), "slow feeds never make the service dead");

            JsonObject executor = Http.json(debug("/debug/executor"));
            JsonObject figures = executor.getJsonObject("figures");
            assertEquals(HANGING - PER_HOST, figures.getInt("queued"), "the fetches over the host's limit queue: " + figures);
            assertTrue(figures.getInt("waiting_on_network") >= PER_HOST, figures.toString());
            JsonObject waiting = waitingOnNetwork().orElseThrow();
            assertTrue(waiting.getString("source").startsWith("Stuck "));
            assertTrue(waiting.getJsonArray("urls").getString(0).contains("/hang/stuck-"));
            assertEquals(1, waiting.getJsonArray("waiting_streams").size());
            assertTrue(waiting.getJsonNumber("age_seconds").doubleValue() >= 1.0);
            for (String none : List.of("thread", "stack")) {
                assertTrue(!waiting.containsKey(none) || waiting.isNull(none), "no thread waits for the network: " + waiting);
            }

            // sixty exchanges in flight, and not one thread of the feed executor (or any other) waits in a fetch
            JsonObject threads = Http.json(debug("/debug/threads"));
            for (JsonValue t : threads.getJsonArray("threads")) {
                String stack = t.asJsonObject().getJsonArray("stack").toString();
                assertFalse(stack.contains("FeedFetcher") || stack.contains("SourceReader"),
                        t.asJsonObject().getString("name") + " waits in a fetch: " + stack);
            }

            // the queued fetches start once the first 60 reach their 8 s deadline; their queue time is no hang
            assertTrue(waitFor(() -> runningOlderThan(11.5), ofSeconds(40)), () -> debug("/debug/executor").body());
            HttpResponse<String> live = Http.get(uri("/health/live"));
            assertEquals(200, live.statusCode(), "a fetch's age counts from when its exchange started: " + live.body());
        }
        assertTrue(waitFor(() -> Http.get(uri("/health/ready")).statusCode() == 200, ofSeconds(15)),
                () -> "ready again once the client left and its fetches were cancelled: "
                        + Http.get(uri("/health/ready")).body());
        assertTrue(feeds.awaitNoOpenConnections("/hang/stuck", ofSeconds(10)));
    }

    @Test
    void metricsMoveAfterAStreamADisconnectAndAFailedFetch() throws Exception {
        double opened = metric("newsstream_streams_opened_total");
        double disconnects = metric("newsstream_disconnects_total");
        double failed = metric("newsstream_fetches_failed_total");
        double started = metric("newsstream_fetches_started_total");

        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=gone&use_cache=false"))) {
            stream.eventsUntil("complete", ofSeconds(15));
        }
        try (SseConnection leaving = SseConnection.open(uri("/news/stream?category=slow&use_cache=false"))) {
            leaving.nextEvent(ofSeconds(10));
            leaving.abort();
            assertTrue(waitFor(() -> metric("newsstream_disconnects_total") > disconnects, ofSeconds(10)));
        }
        assertEquals(opened + 2, metric("newsstream_streams_opened_total"));
        assertTrue(metric("newsstream_fetches_failed_total") >= failed + 1);
        assertTrue(metric("newsstream_fetches_started_total") >= started + 2);
        assertTrue(metric("newsstream_futures_cancelled_total") >= 1, "the slow fetch was cancelled");
        String text = metricsText();
        assertTrue(text.contains("newsstream_streams_active"), "gauge of active streams");
        assertTrue(text.contains("newsstream_fetch_duration"), "fetch duration timer");
        assertTrue(text.contains("reason=\"http_status\""), "failures are labelled by reason");
    }

    /**
     * Time itself is under test, relative to the configured lifetime. Over the source that fails (a 404): a
     * source with articles would end the readiness scenario's warming up before it starts the first refresh.
     */
    @Test
    void aLiveStreamEndsCleanlyAtItsJitteredLifetime() throws Exception {
        long opened = System.nanoTime();
        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=gone&live=true"))) {
            stream.eventsUntil("complete", ofSeconds(15));
            assertTrue(stream.awaitEnd(LIFETIME.plusSeconds(8)), "the server ends it");
            Duration lived = Duration.ofNanos(System.nanoTime() - opened);
            assertTrue(lived.compareTo(LIFETIME.multipliedBy(8).dividedBy(10)) > 0, "lived " + lived);
            assertTrue(stream.rawLines().stream().anyMatch(l -> l.startsWith(":") && l.contains("lifetime")),
                    "a comment says why before the clean end");
        }
    }

    @Test
    void debugEndpointsNeedTheTokenWhenOneIsConfigured() {
        HttpResponse<String> refused = Http.get(uri("/debug/streams"));
        assertEquals(401, refused.statusCode());
        assertTrue(Http.json(refused).getString("detail").contains("Bearer"));
        assertEquals(200, debug("/debug/streams").statusCode());
        assertEquals(401, Http.get(uri("/debug/threads")).statusCode());
    }

    @Test
    void theOpenApiDocumentDescribesTheStream() {
        HttpResponse<String> openapi = Http.get(uri("/openapi"), "*/*", ofSeconds(60)); // built on first use: slow when loaded
        assertEquals(200, openapi.statusCode());
        for (String expected : new String[] {"/news/stream", "/news/sources/stats", "/cache/refresh", "source_complete"}) {
            assertTrue(openapi.body().contains(expected), "openapi lacks " + expected);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET, /news?limit=-1, 400",
            "GET, /news?limit=abc, 400",
            "GET, /news?offset=-1, 400",
            "GET, /news?since=last-week, 400",
            "GET, /news/category/good?limit=0, 400",
            "GET, /news/source/Nobody, 404",
            "GET, /debug/source/Nobody, 404",
            "GET, /debug/threads?state=SLEEPY, 400",
            "GET, /no/such/route, 404",
            "GET, /news/stream?use_cache=sometimes, 400",
            "POST, /news/sources, 405",
            "DELETE, /cache/status, 405",
    })
    void badRequestsGetJsonErrors(String method, String path, int status) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", path.startsWith("/news/stream") ? "text/event-stream" : "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(ofSeconds(10)).build();
        HttpResponse<String> response = Http.send(request);
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                path + " answered " + response.headers().firstValue("Content-Type"));
        String detail = Http.json(response).getString("detail");
        assertFalse(detail.isBlank());
        assertFalse(detail.contains("Exception"), "no stack traces or class names: " + detail);
    }

    /** Some fetch is on the network whose flight, queue time included, is older than {@code seconds}. */
    private boolean runningOlderThan(double seconds) {
        return Http.json(debug("/debug/executor")).getJsonArray("fetches").stream().map(JsonValue::asJsonObject)
                .anyMatch(f -> f.getString("state").equals("network")
                        && f.getJsonNumber("age_seconds").doubleValue() > seconds);
    }

    private HttpResponse<String> debug(String path) {
        return Http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(ofSeconds(10)).GET().build());
    }

    private String metricsText() {
        HttpResponse<String> response = Http.get(uri("/metrics"), "text/plain", ofSeconds(10));
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** Sum over all series of one metric in the OpenMetrics text. */
    private double metric(String name) {
        Matcher m = Pattern.compile("(?m)^(?:application_)?" + name + "(?:\\{[^}]*})?\\s+(\\S+)").matcher(metricsText());
        double sum = 0;
        while (m.find()) sum += Double.parseDouble(m.group(1));
        return sum;
    }

}
