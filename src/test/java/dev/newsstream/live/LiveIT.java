package dev.newsstream.live;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.newsstream.testing.Wait.waitFor;

import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import dev.newsstream.testing.WarClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live mode and resume: new articles pushed to open streams, Last-Event-ID giving exactly what was
 * missed, a client that stops reading dropped without hurting another, lifetimes ending cleanly, and
 * the headers and heartbeats that get a stream through buffering proxies. And one story, many sources
 * (the same configuration, so the same server): two fixture wires report the same earthquake in their own
 * words; the stream's frames give both articles one story id and name the other wire, a live article
 * about a story another wire already had joins it, and {@code /news?group=story} lists the story once.
 */
class LiveIT extends WarClient {

    static final Instant NEWEST = Instant.parse("2026-11-20T12:00:00Z");
    @RegisterExtension
    static final FixtureFeedServer feeds = FixtureFeedServer.start();

    // stories share this server (their configuration is the live tests'): two wires report the same earthquake in
    // their own words, far from the live feed's items in time and words
    static final Instant AT = Instant.now().minus(Duration.ofHours(2));
    static final Item QUAKE_A = new Item("Magnitude 7.1 earthquake strikes off Japan's Miyagi coast, tsunami advisory issued",
            "http://127.0.0.1/a/quake", "a-quake", AT, "The Japan Meteorological Agency issued a tsunami advisory for Miyagi.");
    static final Item QUAKE_B = new Item("Strong 7.1 quake hits off Miyagi, Japan issues tsunami advisory",
            "http://127.0.0.1/b/quake", "b-quake", AT.plusSeconds(300), "Residents of the Miyagi coast were told to stay away from the shore.");
    static final Item RATES_A = new Item("Central bank holds interest rates steady as inflation cools",
            "http://127.0.0.1/a/rates", "a-rates", AT.plusSeconds(60), "Policymakers voted to keep the benchmark rate unchanged.");
    static final Item FOOTBALL_B = new Item("Liverpool beat Aston Villa as Salah scores twice at Anfield",
            "http://127.0.0.1/b/football", "b-football", AT.plusSeconds(120), "Mohamed Salah scored twice in the Premier League win.");
    static final Item RATES_B = new Item("Interest rates held steady by central bank, inflation cooling",
            "http://127.0.0.1/b/rates", "b-rates", AT.plusSeconds(600), "The bank kept its benchmark rate unchanged in a unanimous vote.");

    @Deployment(testable = false)
    static WebArchive deployment() {
        feeds.putFeed("/live.xml", feed(0));
        feeds.putFeed("/flood.xml", FixtureFeedServer.rss("Flood", List.of()));
        feeds.putFeed("/a.xml", FixtureFeedServer.rss("Wire A", List.of(QUAKE_A, RATES_A)));
        feeds.putFeed("/b.xml", FixtureFeedServer.rss("Wire B", List.of(QUAKE_B, FOOTBALL_B)));
        SourcesJson sources = new SourcesJson()
                .add("Live Wire", feeds.url("/live.xml"), "live")
                .add("Flood", feeds.url("/flood.xml"), "flood")
                .add("Wire A", feeds.url("/a.xml"), "world")
                .add("Wire B", feeds.url("/b.xml"), "world");
        return Deployments.builtWar(Map.of(
                "newsstream.sources", Deployments.sourcesFile("live-it", sources.json()),
                "newsstream.ingest.enabled", "false",
                "newsstream.fetch.min-interval", "0s",
                "newsstream.store.max-per-source", "100000",
                "newsstream.live.log-size", "100000",
                "newsstream.stream.live-heartbeat", "2s",
                // a healthy reader on a loaded machine must never come near it; the streams keep the default
                // lifetime (30 min), which no test here can reach however slow the machine (OperationsIT tests it)
                "newsstream.stream.write-timeout", "5s"));
    }

    /** The live feed with {@code count} extra items on top of its 3 regular ones. */
    static String feed(int count) {
        List<Item> items = new ArrayList<>();
        for (int i = count; i >= 1; i--) {
            items.add(new Item("Breaking " + i, "http://127.0.0.1/breaking/" + i, "breaking-" + i,
                    NEWEST.plus(Duration.ofMinutes(i)), "extra " + i));
        }
        for (int i = 1; i <= 3; i++) {
            items.add(new Item("Regular " + i, "http://127.0.0.1/regular/" + i, "regular-" + i,
                    NEWEST.minus(Duration.ofHours(i)), "regular"));
        }
        return FixtureFeedServer.rss("Live Wire", items);
    }

    @BeforeEach
    void cacheHoldsTheLiveFeed() throws InterruptedException {
        if (Http.getJson(uri("/news/source/Live%20Wire")).getInt("total") == 0) refresh();
    }

    @Test
    void aLiveStreamStaysOpenAndPushesEachNewArticle() throws Exception {
        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=live&live=true"))) {
            Frame complete = last(stream.eventsUntil("complete", ofSeconds(15)));
            int extra = feeds.nextItems("/live.xml", 0, 1); // the live feed's extra items are numbered from 1
            feeds.putFeed("/live.xml", feed(extra));
            refresh();
            Frame article = stream.nextEvent(ofSeconds(10));
            assertNotNull(article, "a new article is pushed");
            assertEquals("article", article.event());
            assertEquals("Breaking " + extra, article.json().getJsonObject("article").getString("title"));
            assertTrue(Long.parseLong(article.id()) > Long.parseLong(complete.id()), "ids grow with arrivals");
        }
    }

    @Test
    void aClientResumingWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
        String lastId;
        try (SseConnection first = SseConnection.open(uri("/news/stream?category=live&live=true"))) {
            lastId = last(first.eventsUntil("complete", ofSeconds(15))).id();
        }
        int extra = feeds.nextItems("/live.xml", 0, 3) + 2; // the last of three
        Set<String> missed = IntStream.rangeClosed(extra - 2, extra).mapToObj(i -> "Breaking " + i).collect(Collectors.toSet());
        feeds.putFeed("/live.xml", feed(extra));
        refresh();

        try (SseConnection resumed = SseConnection.open(uri("/news/stream?category=live&live=true"),
                Map.of("Last-Event-ID", lastId))) {
            List<Frame> frames = resumed.eventsUntil("complete", ofSeconds(15));
            List<String> kinds = frames.stream().map(Frame::event).toList();
            assertEquals(List.of("article", "article", "article", "starting", "complete"), kinds, "no initial batch");
            assertEquals(missed, frames.subList(0, 3).stream()
                    .map(f -> f.json().getJsonObject("article").getString("title")).collect(Collectors.toSet()));
        }
        try (SseConnection byQuery = SseConnection.open(uri("/news/stream?category=live&last_event_id=" + lastId))) {
            assertEquals("article", byQuery.nextEvent(ofSeconds(10)).event(), "?last_event_id= works like the header");
        }
    }

    @Test
    void anUnknownOrTooOldIdGetsAResyncThenTheFullInitialBatch() throws Exception {
        for (String id : List.of("99999999", "not-a-number")) {
            try (SseConnection stream = SseConnection.open(uri("/news/stream?category=live"), Map.of("Last-Event-ID", id))) {
                List<Frame> frames = stream.eventsUntil("complete", ofSeconds(15));
                assertEquals("resync", frames.get(0).event(), id);
                assertTrue(frames.get(0).json().getString("message").contains(id));
                assertNotNull(frames.get(0).retry());
                assertEquals("initial", frames.get(1).event());
                assertTrue(frames.get(1).json().getJsonArray("articles").size() >= 3);
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedWithoutSlowingAnother() throws Exception {
        double slowBefore = slowClientsClosed();
        try (Socket stuck = new Socket();
             SseConnection healthy = SseConnection.open(uri("/news/stream?category=flood&live=true"))) {
            stuck.setReceiveBufferSize(2048);
            stuck.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /news/stream?category=flood&live=true HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush(); // and never read a byte
            healthy.eventsUntil("complete", ofSeconds(15));
            String healthyId = healthy.headers().firstValue("X-Stream-ID").orElseThrow();
            assertTrue(waitFor(() -> Http.getJson(uri("/debug/streams")).getInt("active_streams") == 2, ofSeconds(10)));
            String stuckId = Http.getJson(uri("/debug/streams")).getJsonObject("streams").keySet().stream()
                    .filter(id -> !id.equals(healthyId)).findFirst().orElseThrow();

            // The container buffers megabytes for a client before a write blocks, so flood in rounds
            // (~9 MB each) until the stuck client's write blocks past the deadline and it is dropped.
            int perRound = 12_000;
            int rounds = 0;
            int received = 0;
            boolean dropped = false;
            while (!dropped && rounds < 6) {
                rounds++;
                feeds.putFeed("/flood.xml", flood(rounds * perRound, perRound));
                refresh();
                int target = rounds * perRound;
                long deadline = System.nanoTime() + ofSeconds(60).toNanos();
                while (received < target && System.nanoTime() < deadline) {
                    Frame f = healthy.nextEvent(ofSeconds(60)); // a 12,000-item fetch takes a minute on a loaded machine
                    assertNotNull(f, "the healthy client kept receiving; got " + received);
                    if ("article".equals(f.event())) received++;
                }
                assertEquals(target, received, "every new article reached the client that reads");
                dropped = waitFor(() -> !Http.getJson(uri("/debug/streams")).getJsonObject("streams").containsKey(stuckId),
                        ofSeconds(5));
            }
            System.out.printf("slow client: dropped=%s after %d rounds (%d articles)%n", dropped, rounds, received);
            assertTrue(dropped, () -> "the stuck client is dropped: " + Http.getJson(uri("/debug/streams")));
            assertTrue(Http.getJson(uri("/debug/streams")).getJsonObject("streams").containsKey(healthyId),
                    "the healthy client is still connected");
            double slowAfter = slowClientsClosed();
            assertTrue(slowAfter >= slowBefore + 1, "counted as a slow client: " + slowBefore + " before, " + slowAfter + " after");
        }
    }

    /** {@code count} new items numbered up to {@code last}. */
    static String flood(int last, int count) {
        String filler = "word ".repeat(95);
        List<Item> items = IntStream.rangeClosed(last - count + 1, last).mapToObj(i -> new Item("Flood " + i,
                "http://127.0.0.1/flood/" + i, "flood-" + i, NEWEST.plus(Duration.ofSeconds(i)), filler)).toList();
        return FixtureFeedServer.rss("Flood", items);
    }

    @Test
    void streamsCarryProxyFriendlyHeadersAndIdleHeartbeats() throws Exception {
        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=live&live=true"))) {
            assertEquals("no-cache", stream.headers().firstValue("Cache-Control").orElse(""));
            assertEquals("no", stream.headers().firstValue("X-Accel-Buffering").orElse(""));
            assertTrue(stream.headers().firstValue("Content-Length").isEmpty());
            stream.eventsUntil("complete", ofSeconds(15));
            Frame beat = stream.nextFrame(ofSeconds(5));
            assertNotNull(beat, "an idle live stream still sends something within the heartbeat interval");
            assertTrue(beat.isComment(), beat.toString());
        }
    }

    @Test
    void browsersGetThePageAndApiClientsGetJson() {
        HttpResponse<String> page = Http.get(uri("/"), "text/html,application/xhtml+xml,*/*;q=0.8", ofSeconds(10));
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().toLowerCase().contains("<!doctype html"));
        for (String accept : List.of("application/json", "*/*")) {
            HttpResponse<String> info = Http.get(uri("/"), accept, ofSeconds(10));
            assertEquals("newsstream", Http.json(info).getString("name"), accept);
        }
        HttpResponse<String> js = Http.get(uri("/assets/app.js"), "*/*", ofSeconds(10));
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals(404, Http.get(uri("/assets/..%2Fweb.xml"), "*/*", ofSeconds(10)).statusCode());
        assertEquals(404, Http.get(uri("/assets/missing.js"), "*/*", ofSeconds(10)).statusCode());
    }

    // ---------------------------------------------------------------- stories across sources

    @Test
    void framesGiveTheSameEventFromTwoSourcesOneStoryIdAndNameTheOtherSource() throws Exception {
        List<Frame> frames;
        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=world&use_cache=false"))) {
            frames = stream.eventsUntil("complete", ofSeconds(30));
        }
        Map<String, JsonObject> fromFrames = new HashMap<>();
        for (Frame f : frames) {
            if (f.event().equals("source_complete")) articles(f).forEach(a -> fromFrames.put(a.getString("link"), a));
        }
        JsonObject quakeA = fromFrames.get(QUAKE_A.link());
        JsonObject quakeB = fromFrames.get(QUAKE_B.link());
        assertNotNull(quakeA, "Wire A's quake in a source_complete frame: " + fromFrames.keySet());
        assertNotNull(quakeB, "Wire B's quake in a source_complete frame: " + fromFrames.keySet());
        assertEquals(quakeA.getString("story_id"), quakeB.getString("story_id"), "one story");
        assertNotEquals(quakeA.getString("story_id"), fromFrames.get(RATES_A.link()).getString("story_id"));
        assertNotEquals(quakeB.getString("story_id"), fromFrames.get(FOOTBALL_B.link()).getString("story_id"));
        // whichever wire finished second already names the first one
        JsonObject later = quakeA.getJsonArray("also_reported_by").isEmpty() ? quakeB : quakeA;
        assertFalseEmpty(later);

        // a second stream's initial frame: both quake articles, each naming the other wire with its ratings
        try (SseConnection again = SseConnection.open(uri("/news/stream?category=world"))) {
            Frame initial = again.nextEvent(ofSeconds(15));
            assertEquals("initial", initial.event());
            Map<String, JsonObject> cached = new HashMap<>();
            articles(initial).forEach(a -> cached.put(a.getString("link"), a));
            JsonObject a = cached.get(QUAKE_A.link());
            JsonObject b = cached.get(QUAKE_B.link());
            assertEquals(a.getString("story_id"), b.getString("story_id"));
            JsonObject otherOfA = a.getJsonArray("also_reported_by").getJsonObject(0);
            assertEquals("Wire B", otherOfA.getString("source"));
            assertEquals(QUAKE_B.title(), otherOfA.getString("title"));
            assertEquals(QUAKE_B.link(), otherOfA.getString("link"));
            assertEquals("Center", otherOfA.getString("bias_rating"));
            assertEquals("Commercial", otherOfA.getString("funding_type"));
            assertEquals("Wire A", b.getJsonArray("also_reported_by").getJsonObject(0).getString("source"));
            assertTrue(cached.get(FOOTBALL_B.link()).getJsonArray("also_reported_by").isEmpty(), "a story of one source");
        }
    }

    @Test
    void aLiveArticleJoinsTheStoryAnotherSourceAlreadyHad() throws Exception {
        refresh();
        String ratesStory = storyOf(RATES_A.link());
        try (SseConnection stream = SseConnection.open(uri("/news/stream?category=world&live=true"))) {
            stream.eventsUntil("complete", ofSeconds(30));
            feeds.putFeed("/b.xml", FixtureFeedServer.rss("Wire B", List.of(QUAKE_B, FOOTBALL_B, RATES_B)));
            refresh();
            Frame article = stream.nextEvent(ofSeconds(15));
            assertNotNull(article, "the new article is pushed");
            assertEquals("article", article.event());
            JsonObject pushed = article.json().getJsonObject("article");
            assertEquals(RATES_B.link(), pushed.getString("link"));
            assertEquals(ratesStory, pushed.getString("story_id"), "joins Wire A's story");
            assertEquals("Wire A", pushed.getJsonArray("also_reported_by").getJsonObject(0).getString("source"));
        } finally {
            feeds.putFeed("/b.xml", FixtureFeedServer.rss("Wire B", List.of(QUAKE_B, FOOTBALL_B)));
        }
    }

    @Test
    void newsGroupedByStoryListsEachStoryOnceWithItsSources() throws Exception {
        refresh();
        JsonObject page = Http.getJson(uri("/news?group=story&category=world"));
        List<JsonObject> stories = page.getJsonArray("stories").getValuesAs(JsonObject.class);
        JsonObject quake = stories.stream().filter(s -> s.getJsonArray("sources").size() == 2
                && s.getJsonArray("reports").stream().anyMatch(r -> r.asJsonObject().getString("link").equals(QUAKE_A.link())))
                .findFirst().orElseThrow(() -> new AssertionError("no two-source quake story in " + page));
        assertEquals(storyOf(QUAKE_A.link()), quake.getString("story_id"));
        List<String> links = new ArrayList<>();
        quake.getJsonArray("reports").forEach(r -> links.add(r.asJsonObject().getString("link")));
        assertTrue(links.containsAll(List.of(QUAKE_A.link(), QUAKE_B.link())), "each source's article: " + links);
        int articles = Http.getJson(uri("/news?category=world")).getInt("total");
        assertEquals(articles - 1 - (articles > 4 ? 1 : 0), page.getInt("total"), "one entry per story: " + page);
        assertEquals(400, Http.get(uri("/news?group=source")).statusCode());
    }

    private String storyOf(String link) {
        for (JsonValue v : Http.getJson(uri("/news?category=world&limit=500")).getJsonArray("articles")) {
            if (v.asJsonObject().getString("link").equals(link)) return v.asJsonObject().getString("story_id");
        }
        throw new AssertionError(link + " not in /news");
    }

    private static void assertFalseEmpty(JsonObject article) {
        assertTrue(!article.getJsonArray("also_reported_by").isEmpty(), "also_reported_by names the other wire: " + article);
    }

    private static List<JsonObject> articles(Frame frame) {
        return frame.json().getJsonArray("articles").getValuesAs(JsonObject.class);
    }

    private void refresh() throws InterruptedException {
        Http.refreshAndWait(this::uri);
    }

    /** newsstream_streams_closed{reason="slow_client"} from /metrics, summed over its series (0 before the first). */
    private double slowClientsClosed() {
        return Http.get(uri("/metrics"), "text/plain", ofSeconds(10)).body().lines()
                .filter(l -> !l.startsWith("#") && l.contains("streams_closed") && l.contains("slow_client"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static Frame last(List<Frame> frames) {
        return frames.get(frames.size() - 1);
    }

}
