package dev.newsstream.stream.control;

import static dev.newsstream.stream.control.StreamSessionTest.article;
import static dev.newsstream.stream.control.StreamSessionTest.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.ingest.control.TestIngestSettings;
import dev.newsstream.store.control.MemoryStore;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.stream.entity.Progress;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared frame caches: made once per version, result or arrival, and the same bytes for every stream. */
class StreamFramesTest {

    private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

    private final MemoryStore memory = new MemoryStore(100);
    private final StreamSettings settings = new StreamSettings();
    private final ArticleFrames frames = new ArticleFrames();
    private final Source alpha = source("Alpha", "world");
    private final Source beta = source("Beta", "world");

    StreamFramesTest() {
        settings.articlesPerEvent = 2;
        settings.initialArticles = 2;
        frames.stories = memory.stories();
    }

    private InitialFrames initials() {
        InitialFrames initials = new InitialFrames();
        initials.store = memory.store();
        initials.ingest = TestIngestSettings.freshFor(Duration.ofMinutes(2));
        initials.settings = settings;
        initials.frames = frames;
        return initials;
    }

    private SourceFrames results() {
        SourceFrames results = new SourceFrames();
        results.settings = settings;
        results.frames = frames;
        return results;
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void anInitialViewIsBuiltOncePerStoreVersionAndCategoryAndHoldsTheNewestArticles() {
        InitialFrames initials = initials();
        memory.record(alpha, Instant.now(), article(alpha, "a1", T), article(alpha, "a2", T.plusSeconds(1)),
                article(alpha, "a3", T.plusSeconds(2)));
        long last = memory.store().lastSequence();

        InitialFrames.View first = initials.view("world", List.of(alpha, beta), memory.store().lastSequence());
        assertSame(first, initials.view("world", List.of(alpha, beta), memory.store().lastSequence()), "same version: the same view");
        assertEquals(1, initials.serialised());
        assertEquals(last, first.sequence());
        assertEquals(memory.store().version(), first.version());
        JsonObject initial = json(first.json());
        assertEquals("initial", initial.getString("status"));
        assertEquals(List.of("a3", "a2"), initial.getJsonArray("articles").stream()
                .map(v -> v.asJsonObject().getString("title")).toList(), "the newest initial-articles");
        assertEquals("2 cached articles", initial.getString("message"));
        assertEquals(3, first.snapshot().totalArticles());
        assertTrue(initial.getJsonArray("articles").getJsonObject(0).containsKey("story_id"),
                "articles go out with their story");

        InitialFrames.View all = initials.view(null, List.of(alpha, beta), memory.store().lastSequence());
        assertNotSame(first, all, "each category its own view");
        assertSame(all, initials.view("", List.of(alpha, beta), memory.store().lastSequence()), "no category and a blank one are the same");
        assertEquals(2, initials.serialised());

        memory.record(beta, Instant.now(), article(beta, "b1", T.plusSeconds(3)));
        InitialFrames.View moved = initials.view("world", List.of(alpha, beta), memory.store().lastSequence());
        assertNotSame(first, moved, "a new version: built again");
        assertEquals(memory.store().lastSequence(), moved.sequence());
        assertEquals(3, initials.serialised());
    }

    @Test
    void aStreamWhoseArrivalsAreInTheViewNeverWaitsForAnotherStreamsRebuild() throws Exception {
        InitialFrames initials = initials();
        List<Source> sources = List.of(alpha, beta);
        memory.record(alpha, Instant.now(), article(alpha, "a1", T));
        long position = memory.store().lastSequence();
        InitialFrames.View first = initials.view("world", sources, position);
        long version = memory.store().version();
        memory.record(alpha, Instant.now()); // a fetch recorded, nothing new: the version moves, no arrival
        assertNotEquals(version, memory.store().version());
        assertEquals(position, memory.store().lastSequence());

        ReentrantLock building = buildLockOf(initials, "world");
        CountDownLatch held = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread rebuilder = new Thread(() -> { // another stream's rebuild in progress
            building.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                building.unlock();
            }
        });
        rebuilder.start();
        try {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            InitialFrames.View got = CompletableFuture.supplyAsync(() -> initials.view("world", sources, position))
                    .get(10, TimeUnit.SECONDS);
            assertSame(first, got, "the view it would get holds its arrivals: taken at once during the rebuild");

            memory.record(beta, Instant.now(), article(beta, "b1", T.plusSeconds(5)));
            long newer = memory.store().lastSequence();
            CompletableFuture<InitialFrames.View> waiting =
                    CompletableFuture.supplyAsync(() -> initials.view("world", sources, newer));
            release.countDown();
            InitialFrames.View built = waiting.get(10, TimeUnit.SECONDS);
            assertTrue(built.sequence() >= newer, "a stream newer than the view gets one that holds its arrivals");
            assertEquals(List.of("b1", "a1"), json(built.json()).getJsonArray("articles").stream()
                    .map(v -> v.asJsonObject().getString("title")).toList());
        } finally {
            release.countDown();
            rebuilder.join(10_000);
        }
    }

    /** The category's build lock, as a rebuild in progress holds it. */
    private static ReentrantLock buildLockOf(InitialFrames initials, String category) throws ReflectiveOperationException {
        Field slots = InitialFrames.class.getDeclaredField("slots");
        slots.setAccessible(true);
        Object slot = ((java.util.Map<?, ?>) slots.get(initials)).get(category);
        Field building = slot.getClass().getDeclaredField("building");
        building.setAccessible(true);
        return (ReentrantLock) building.get(slot);
    }

    @Test
    void anEmptyCacheHasNoInitialAndAnUnknownCategoryIsNotKept() {
        InitialFrames initials = initials();
        InitialFrames.View empty = initials.view("world", List.of(alpha), memory.store().lastSequence());
        assertNull(empty.json(), "nothing cached: no initial frame");
        assertEquals(0, initials.serialised());
        assertSame(empty, initials.view("world", List.of(alpha), memory.store().lastSequence()));

        InitialFrames.View unknown = initials.view("made-up", List.of(), memory.store().lastSequence());
        assertNotSame(unknown, initials.view("made-up", List.of(), memory.store().lastSequence()), "no sources: answered, never kept");
        assertEquals(0, unknown.snapshot().totalArticles());
    }

    @Test
    void aSourceCompleteFrameIsTheStreamsOwnFieldsAroundBytesMadeOncePerResult() {
        SourceFrames results = results();
        List<Article> articles = List.of(article(alpha, "a3", T.plusSeconds(2)), article(alpha, "a2", T.plusSeconds(1)),
                article(alpha, "a1", T));
        SourceStat stat = SourceStat.of(alpha, FeedStatus.SUCCESS, 3, null, T, 0.5);
        SourceResult result = new SourceResult(alpha, articles, stat);

        JsonObject mine = json(results.json("s1", result, Progress.of(1, 4)));
        assertEquals("source_complete", mine.getString("status"));
        assertEquals("s1", mine.getString("stream_id"));
        assertEquals(1, mine.getJsonObject("progress").getInt("completed"));
        assertEquals(25.0, mine.getJsonObject("progress").getJsonNumber("percentage").doubleValue());
        assertEquals("Alpha", mine.getString("source"));
        assertEquals(List.of("a3", "a2"), mine.getJsonArray("articles").stream()
                .map(v -> v.asJsonObject().getString("title")).toList());
        assertEquals(3, mine.getJsonObject("source_stat").getInt("article_count"));
        assertTrue(mine.isNull("deferred"));
        assertTrue(mine.containsKey("timestamp"));
        assertEquals(List.of(articles.get(0), articles.get(1)), results.carried(result));

        JsonObject theirs = json(results.json("s2", new SourceResult(alpha, result.articles(), stat), Progress.of(3, 4)));
        assertEquals("s2", theirs.getString("stream_id"));
        assertEquals(mine.getJsonArray("articles"), theirs.getJsonArray("articles"));
        assertEquals(1, results.serialised(), "the same list and stat answered again: serialised once");

        Deferral deferral = new Deferral("backing off", T.plusSeconds(3600));
        JsonObject deferred = json(results.json("s1", new SourceResult(alpha, result.articles(), stat, deferral),
                Progress.of(2, 4)));
        assertEquals("backing off", deferred.getJsonObject("deferred").getString("reason"));
        results.json("s1", new SourceResult(alpha, result.articles(), stat, new Deferral("backing off", T.plusSeconds(3600))),
                Progress.of(2, 4));
        assertEquals(2, results.serialised(), "a deferral compares by value");
        results.json("s1", new SourceResult(alpha, List.copyOf(List.of(articles.get(0))), stat), Progress.of(2, 4));
        results.json("s1", new SourceResult(alpha, result.articles(), SourceStat.of(alpha, FeedStatus.SUCCESS, 3, null, T, 0.5)),
                Progress.of(2, 4));
        assertEquals(4, results.serialised(), "another list or another stat is another result");
        assertEquals(List.of(), results.carried(new SourceResult(alpha, List.of(), stat)));
    }

    @Test
    void theNewestFewHundredResultsAreRememberedAndOlderOnesMadeAgain() {
        SourceFrames results = results();
        SourceStat stat = SourceStat.of(alpha, FeedStatus.SUCCESS, 1, null, T, 0.5);
        SourceResult first = new SourceResult(alpha, List.of(article(alpha, "first", T)), stat);
        results.json("s", first, Progress.of(1, 1));
        SourceResult last = null;
        for (int i = 0; i < SourceFrames.KEEP; i++) {
            last = new SourceResult(alpha, List.of(article(alpha, "n" + i, T)), stat);
            results.json("s", last, Progress.of(1, 1));
        }
        assertEquals(SourceFrames.KEEP + 1, results.serialised());
        results.json("s", last, Progress.of(1, 1));
        assertEquals(SourceFrames.KEEP + 1, results.serialised(), "the newest is still remembered");
        results.json("s", first, Progress.of(1, 1));
        assertEquals(SourceFrames.KEEP + 2, results.serialised(), "the oldest was forgotten");
    }

    @Test
    void anArticleFrameIsMadeOncePerArrivalAndTheNewestFewThousandAreKept() {
        LoggedArticle arrived = memory.record(alpha, Instant.now(), article(alpha, "a1", T)).get(0);
        String json = frames.json(arrived);
        assertSame(json, frames.json(arrived));
        JsonObject frame = json(json);
        assertEquals("article", frame.getString("status"));
        assertEquals("a1", frame.getJsonObject("article").getString("title"));
        assertTrue(frame.getJsonObject("article").containsKey("story_id"));

        for (int i = 1; i <= ArticleFrames.KEEP; i++) {
            frames.json(new LoggedArticle(arrived.sequence() + i, arrived.article()));
        }
        LoggedArticle newest = new LoggedArticle(arrived.sequence() + ArticleFrames.KEEP, arrived.article());
        String kept = frames.json(newest);
        assertSame(kept, frames.json(newest), "the newest is kept");
        assertNotSame(json, frames.json(arrived), "the oldest of KEEP + 1 was dropped and is made again");
        assertEquals(json, frames.json(arrived));
    }

    @Test
    void aLifetimeIsJitteredTenPercentEitherWaySoStreamsOpenedTogetherDoNotReconnectTogether() {
        settings.maxLifetime = Duration.ofMinutes(30);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration lifetime = settings.jitteredLifetime();
            assertTrue(lifetime.compareTo(Duration.ofMinutes(27)) >= 0 && lifetime.compareTo(Duration.ofMinutes(33)) <= 0,
                    lifetime.toString());
            seen.add(lifetime);
        }
        assertTrue(seen.size() > 100, "hardly jittered: " + seen.size() + " distinct of 200");
    }

    @Test
    void probeIntervalsHaveTheirDocumentedDefaultsWhenNotConfigured() {
        assertEquals(Duration.ofSeconds(5), settings.connectionCheck());
        assertEquals(Duration.ofSeconds(5), settings.disconnectProbe());
        settings.connectionCheck = Duration.ZERO;
        settings.disconnectProbe = Duration.ofMillis(700);
        assertEquals(Duration.ZERO, settings.connectionCheck());
        assertEquals(Duration.ofMillis(700), settings.disconnectProbe());
    }
}
