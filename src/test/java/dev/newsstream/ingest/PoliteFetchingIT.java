package dev.newsstream.ingest;

import static dev.newsstream.testing.Wait.waitFor;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import dev.newsstream.testing.WarClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Polite fetching against four fixture "hosts" (127.0.0.1-4, one port): at most two fetches per host in
 * flight, the background refresh spreading a host's feeds, a host paused when several of its feeds answer
 * 429 with Retry-After, feed hints deciding the next attempt within bounds, bot walls reported as such,
 * streams answering backing-off and paused sources without the network, and the refresh stream reporting
 * every source. One server for all of it.
 */
class PoliteFetchingIT extends WarClient {

    static final String CROWDED = "127.0.0.2";
    static final String BUSY = "127.0.0.3";
    static final String HINTED = "127.0.0.4";
    static final int CROWD = 6;
    static final int TOTAL = CROWD + 4 + 3 + 2;
    static final Duration SPREAD = ofSeconds(6);
    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.startOnHosts(4);

    @Deployment(testable = false)
    static WebArchive deployment() {
        feeds.setDelay("/rss/crowd-", Duration.ofMillis(1500));
        SourcesJson sources = new SourcesJson();
        for (int i = 1; i <= CROWD; i++) sources.add("Crowd " + i, feeds.url(CROWDED, "/rss/crowd-" + i + ".xml"), "crowd");
        for (int i = 1; i <= 3; i++) {
            feeds.put("/busy-" + i + ".xml", 429, "text/plain", bytes("slow down"), Map.of("Retry-After", "300"));
            sources.add("Busy " + i, feeds.url(BUSY, "/busy-" + i + ".xml"), "busy");
        }
        sources.add("Calm", feeds.url(BUSY, "/rss/calm.xml"), "busy");
        feeds.putFeed("/hint/ttl.xml", feed("<ttl>30</ttl>"));
        feeds.put("/hint/max-age.xml", 200, FixtureFeedServer.RSS_TYPE, bytes(feed("")),
                Map.of("Cache-Control", "public, max-age=1200"));
        feeds.putFeed("/hint/sy.xml", feed("<sy:updatePeriod>daily</sy:updatePeriod>"));
        sources.add("Ttl", feeds.url(HINTED, "/hint/ttl.xml"), "hinted")
                .add("MaxAge", feeds.url(HINTED, "/hint/max-age.xml"), "hinted")
                .add("Daily", feeds.url(HINTED, "/hint/sy.xml"), "hinted");
        feeds.put("/login.html", 200, "text/html; charset=utf-8", bytes("<!DOCTYPE html><html><body><form>"
                + "<input name=\"user\"><input type=\"password\" name=\"pw\"></form></body></html>"), null);
        sources.add("Forbidden", feeds.url("/status/403"), "walls").add("Login", feeds.url("/login.html"), "walls");
        return Deployments.builtWar(Map.of(
                "newsstream.sources", Deployments.sourcesFile("polite-it", sources.json()),
                "newsstream.ingest.initial-delay", "1s",
                "newsstream.ingest.interval", "1h",
                "newsstream.ingest.host-spread", SPREAD.toSeconds() + "s",
                "newsstream.fetch.max-per-host", "2",
                "newsstream.fetch.host-pause-after", "2",
                "newsstream.fetch.hint-max", "45m",
                "newsstream.fetch.min-interval", "0s"));
    }

    @BeforeEach
    void firstRefreshDone() throws InterruptedException {
        assertTrue(waitFor(() -> {
            JsonObject status = Http.getJson(uri("/cache/status"));
            return status.getInt("update_count") >= 1 && !status.getBoolean("update_in_progress");
        }, ofSeconds(60)), () -> "refresh never settled: " + Http.getJson(uri("/cache/status")));
    }

    @Test
    void aHostHasAtMostTwoFetchesInFlightAndTheBackgroundRefreshSpreadsItsFeeds() throws Exception {
        assertTrue(feeds.peakConnectionsOnHost(CROWDED) <= 2, "peak " + feeds.peakConnectionsOnHost(CROWDED));
        List<Instant> times = IntStream.rangeClosed(1, CROWD).mapToObj(i -> feeds.lastRequestAt("/rss/crowd-" + i + ".xml")).toList();
        assertFalse(times.contains(null), "every crowded feed was fetched: " + times);
        Instant first = times.stream().min(Instant::compareTo).orElseThrow();
        Instant last = times.stream().max(Instant::compareTo).orElseThrow();
        // the 6th of 6 starts 5/6 of the spread after the first (less a little for scheduling)
        assertTrue(Duration.between(first, last).toMillis() >= SPREAD.toMillis() * 5 / 6 - 500,
                "spread over the refresh: " + Duration.between(first, last));

        feeds.resetPeaks();
        Map<String, Integer> before = crowdCounts();
        Http.refreshAndWait(this::uri); // asked for: all at once, the lane holds the host to two
        assertEquals(2, feeds.peakConnectionsOnHost(CROWDED), "two at a time, not one and not six");
        crowdCounts().forEach((path, n) -> assertEquals(before.get(path) + 1, n, path));
        assertTrue(feeds.peakConnectionsOnHost("127.0.0.1") <= 2);
    }

    @Test
    void severalFeedsAnswering429PauseTheirWholeHostAndStreamsDoNotTouchIt() throws Exception {
        Map<String, JsonObject> stats = stats();
        JsonObject calm = stats.get("Calm");
        assertEquals("host_pause", calm.getString("next_attempt_reason"), calm.toString());
        Instant until = Instant.parse(calm.getString("next_attempt_at"));
        assertTrue(until.isAfter(Instant.now().plus(Duration.ofMinutes(3))), calm.toString());
        for (int i = 1; i <= 3; i++) {
            JsonObject busy = stats.get("Busy " + i);
            assertTrue(List.of("backoff", "host_pause").contains(busy.getString("next_attempt_reason")), busy.toString());
        }

        int requests = busyRequests();
        long started = System.nanoTime();
        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=busy&use_cache=false"))) {
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(10));
            List<JsonObject> done = frames.stream().filter(f -> "source_complete".equals(f.event())).map(Frame::json).toList();
            assertEquals(4, done.size(), frames.toString());
            for (JsonObject frame : done) {
                assertFalse(frame.isNull("deferred"), frame.toString());
                assertFalse(frame.getJsonObject("deferred").isNull("until"), frame.toString());
            }
        }
        assertTrue(System.nanoTime() - started < ofSeconds(5).toNanos(), "answered at once");
        assertEquals(requests, busyRequests(), "nobody fetched from the paused host");
    }

    @Test
    void feedHintsDecideTheNextAttemptWithinBounds() {
        Map<String, JsonObject> stats = stats();
        assertHint(stats.get("Ttl"), Duration.ofMinutes(30));
        assertHint(stats.get("MaxAge"), Duration.ofMinutes(20));
        assertHint(stats.get("Daily"), Duration.ofMinutes(45)); // a day, bounded by hint-max
    }

    @Test
    void aBotWallOrLoginPageIsBlockedNotAParseError() {
        Map<String, JsonObject> stats = stats();
        for (String name : List.of("Forbidden", "Login")) {
            JsonObject s = stats.get(name);
            assertEquals("error", s.getString("status"));
            assertTrue(s.getString("error_message").startsWith("blocked by the server"), s.toString());
            assertEquals("backoff", s.getString("next_attempt_reason"), s.toString());
        }
        // backing off: /debug/source fetches anyway only when forced
        JsonObject login = Http.getJson(uri("/debug/source/Login?force=true")).getJsonArray("urls").getJsonObject(0);
        assertEquals("BLOCKED", login.getString("failure_reason"), login.toString());
        JsonObject forbidden = Http.getJson(uri("/debug/source/Forbidden?force=true")).getJsonArray("urls").getJsonObject(0);
        assertEquals("BLOCKED", forbidden.getString("failure_reason"), forbidden.toString());
    }

    @Test
    void aStreamAnswersABackingOffSourceFromItsLastOutcome() throws Exception {
        int before = feeds.requestCount("/status/403") + feeds.requestCount("/login.html");
        for (int i = 0; i < 2; i++) {
            try (SseConnection stream = SseConnection.open(uri("/news/stream?category=walls&use_cache=false"))) {
                List<Frame> frames = stream.eventsUntil("complete", ofSeconds(10));
                JsonObject one = frames.stream().filter(f -> "source_complete".equals(f.event())).findFirst()
                        .orElseThrow().json();
                assertEquals("backoff", one.getJsonObject("deferred").getString("reason"), one.toString());
                assertEquals("error", one.getJsonObject("source_stat").getString("status"));
            }
        }
        assertEquals(before, feeds.requestCount("/status/403") + feeds.requestCount("/login.html"),
                "a failing source is not re-fetched by every stream");
    }

    @Test
    void theRefreshStreamReportsEverySourceIncludingTheSkippedOnes() throws Exception {
        try (SseConnection stream = SseConnection.post(uri("/cache/refresh/stream"))) {
            List<Frame> frames = stream.eventsUntil("complete", ofSeconds(60));
            List<JsonObject> reports = frames.stream().filter(f -> "source_complete".equals(f.event())).map(Frame::json).toList();
            assertEquals(TOTAL, reports.size(), "one report per source");
            List<JsonObject> skipped = reports.stream().filter(r -> r.getBoolean("skipped")).toList();
            assertTrue(skipped.size() >= 4 + 3 + 2, "busy host, hinted feeds and walls are skipped: " + skipped);
            for (JsonObject r : skipped) {
                assertTrue(List.of("backoff", "host_pause", "feed_hint").contains(r.getString("skip_reason")), r.toString());
                assertFalse(r.isNull("next_attempt_at"), r.toString());
                assertTrue(r.containsKey("source_stat"), r.toString()); // its last outcome ("pending" if never fetched)
            }
            JsonObject complete = frames.get(frames.size() - 1).json();
            assertEquals(TOTAL, complete.getInt("total_sources_processed"), complete.toString());
            assertEquals(skipped.size(), complete.getInt("sources_skipped"), complete.toString());
            assertEquals(TOTAL, complete.getInt("successful_sources") + complete.getInt("failed_sources")
                    + complete.getInt("sources_skipped"), complete.toString());
        }
    }

    private static void assertHint(JsonObject stat, Duration hint) {
        assertEquals("feed_hint", stat.getString("next_attempt_reason"), stat.toString());
        Duration after = Duration.between(Instant.parse(stat.getString("last_checked")),
                Instant.parse(stat.getString("next_attempt_at")));
        assertTrue(after.minus(hint).abs().compareTo(ofSeconds(30)) < 0, stat + " expected about " + hint);
    }

    private Map<String, JsonObject> stats() {
        Map<String, JsonObject> byName = new HashMap<>();
        for (JsonValue v : Http.getJson(uri("/news/sources/stats")).getJsonArray("sources")) {
            byName.put(v.asJsonObject().getString("name"), v.asJsonObject());
        }
        return byName;
    }

    private static Map<String, Integer> crowdCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 1; i <= CROWD; i++) counts.put("/rss/crowd-" + i + ".xml", feeds.requestCount("/rss/crowd-" + i + ".xml"));
        return counts;
    }

    private static int busyRequests() {
        return feeds.requestCount("/busy-1.xml") + feeds.requestCount("/busy-2.xml") + feeds.requestCount("/busy-3.xml")
                + feeds.requestCount("/rss/calm.xml");
    }

    private static String feed(String channelExtras) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
                + "xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel><title>Hinted</title>"
                + "<link>http://example.org/</link>" + channelExtras
                + "<item><title>One</title><link>http://example.org/1</link><guid>one</guid>"
                + "<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
