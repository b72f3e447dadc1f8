package dev.newsstream.story;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Deployments;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One story, many sources, on the real WAR: two fixture wires report the same earthquake in their own
 * words; the stream's frames give both articles one story id and name the other wire, a live article
 * about a story another wire already had joins it, and {@code /news?group=story} lists the story once.
 */
@ExtendWith(ArquillianExtension.class)
class StoriesIT {

    static final Instant AT = Instant.now().minus(Duration.ofHours(2));
    static FixtureFeedServer feeds;

    @ArquillianResource
    URL base;

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
        feeds = FixtureFeedServer.start();
        feeds.putFeed("/a.xml", FixtureFeedServer.rss("Wire A", List.of(QUAKE_A, RATES_A)));
        feeds.putFeed("/b.xml", FixtureFeedServer.rss("Wire B", List.of(QUAKE_B, FOOTBALL_B)));
        SourcesJson sources = new SourcesJson()
                .add("Wire A", feeds.url("/a.xml"), "world")
                .add("Wire B", feeds.url("/b.xml"), "world");
        return Deployments.builtWar(Map.of(
                "newsstream.sources", Deployments.sourcesFile("stories-it", sources.json()),
                "newsstream.ingest.enabled", "false",
                "newsstream.fetch.min-interval", "0s"));
    }

    @AfterAll
    static void stopFeeds() {
        if (feeds != null) feeds.close();
    }

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

    private URI uri(String path) {
        return URI.create(base.toString().replaceAll("/$", "") + path);
    }
}
