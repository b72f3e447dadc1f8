package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.ingest.control.TestIngestSettings;
import dev.newsstream.store.control.MemoryStore;
import dev.newsstream.stream.entity.StreamRequest;
import dev.newsstream.testing.Wait;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream protocol as a client sees it, without a server: a real {@link StreamSession} over a real
 * in-memory store ({@link MemoryStore}: shelves, fetch states, arrival log, stories), the real frame
 * caches and a real {@link SseChannel} writing to a {@link RecordingSink}. The shared fetches are futures
 * the test completes, after recording the fetch in the store as a fetch does.
 */
class StreamSessionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

    private final RecordingSink client = new RecordingSink();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final MemoryStore memory = new MemoryStore(1000);
    private final StreamSettings settings = settings();
    private final ArticleFrames frames = new ArticleFrames();
    private final InitialFrames initials = new InitialFrames();
    private final SourceFrames results = new SourceFrames();
    private final Map<String, CompletableFuture<SourceResult>> fetches = new ConcurrentHashMap<>();
    private final List<String> fetchedFor = new CopyOnWriteArrayList<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final AtomicInteger activeStreams = new AtomicInteger(7);
    private BiFunction<Source, String, CompletableFuture<SourceResult>> fetch = (source, streamId) -> {
        fetchedFor.add(source.name() + "@" + streamId);
        return fetches.computeIfAbsent(source.name(), n -> new CompletableFuture<>());
    };
    private Executor handOffs = writer;

    private final Source alpha = source("Alpha", "world");
    private final Source beta = source("Beta", "world");
    private final Source gamma = source("Gamma", "sport");

    StreamSessionTest() {
        frames.stories = memory.stories();
        initials.store = memory.store();
        initials.ingest = TestIngestSettings.freshFor(Duration.ofMinutes(2));
        initials.settings = settings;
        initials.frames = frames;
        results.settings = settings;
        results.frames = frames;
    }

    @AfterEach
    void stopWriter() throws InterruptedException {
        client.release();
        writer.shutdownNow();
        assertTrue(writer.awaitTermination(10, TimeUnit.SECONDS), "the writer thread did not end");
    }

    private static StreamSettings settings() {
        StreamSettings s = new StreamSettings();
        s.buffer = 256;
        s.maxClientBytes = 1 << 20;
        s.writeTimeout = Duration.ofSeconds(60);
        s.retry = Duration.ofSeconds(3);
        s.articlesPerEvent = 2;
        s.initialArticles = 200;
        s.maxLifetime = Duration.ofMinutes(30);
        s.heartbeat = Duration.ofMillis(250);
        s.liveHeartbeat = Duration.ofSeconds(15);
        return s;
    }

    static Source source(String name, String category) {
        return new Source(name, List.of(URI.create("http://127.0.0.1/" + name.toLowerCase())), category, "US",
                "public", "center");
    }

    static Article article(Source source, String title, Instant published) {
        return new Article(title, "http://127.0.0.1/" + title.replace(' ', '-'), "about " + title, published,
                source.name(), source.category(), "US", null, source.name() + ":" + title);
    }

    private StreamSession session(List<Source> sources, StreamRequest request) {
        SessionServices services = new SessionServices(settings, memory.store(), frames, initials, results, fetch,
                handOffs, activeStreams::get);
        StreamSession session = new StreamSession("s1", sources, request.live(), request.category(), services,
                (id, onClose) -> new SseChannel(id, client, client, settings, writer, onClose),
                (s, reason, cancelled) -> closes.add(reason + " / cancelled " + cancelled));
        memory.store().onNewArticles(arrived -> writer.execute(session::pump)); // the registry's live fan-out
        return session;
    }

    private StreamSession start(List<Source> sources, StreamRequest request) {
        StreamSession session = session(sources, request);
        session.start(request);
        return session;
    }

    /** A fetch of {@code source} ends: recorded in the store first, then handed to its waiters. */
    private void fetched(Source source, Article... articles) {
        memory.record(source, Instant.now(), articles);
        SourceStat stat = SourceStat.of(source, FeedStatus.SUCCESS, articles.length, null, Instant.now(), 0.2);
        fetches.computeIfAbsent(source.name(), n -> new CompletableFuture<>())
                .complete(new SourceResult(source, memory.store().articlesOf(source.name()), stat));
    }

    private void awaitFrames(List<String> expected) throws InterruptedException {
        Wait.until(() -> client.names().equals(expected), PATIENCE, () -> "frames: " + client.names());
    }

    private void awaitClosed() throws InterruptedException {
        Wait.until(() -> client.closes.get() == 1, PATIENCE, () -> "the stream did not end; frames: " + client.names());
    }

    private static JsonObject json(RecordingSink.Frame frame) {
        return Json.createReader(new StringReader((String) frame.data())).readObject();
    }

    private RecordingSink.Frame frame(int i) {
        return client.written.get(i);
    }

    private List<String> titlesOf(RecordingSink.Frame frame) {
        JsonObject data = json(frame);
        if (data.containsKey("article")) return List.of(data.getJsonObject("article").getString("title"));
        return data.getJsonArray("articles").stream().map(v -> v.asJsonObject().getString("title")).toList();
    }

    @Test
    void aStreamWithNothingCachedSaysStartingThenEachSourceAsItFinishesThenCompleteAndEnds() throws Exception {
        memory.record(gamma, Instant.now(), article(gamma, "match report", T)); // another category's: not in this stream
        long before = memory.store().lastSequence();
        StreamSession session = start(List.of(alpha, beta), new StreamRequest("world", false, false, null));

        awaitFrames(List.of("starting"));
        assertEquals(List.of("Alpha@s1", "Beta@s1"), fetchedFor, "each source asked for once, for this stream");
        JsonObject starting = json(frame(0));
        assertEquals("s1", starting.getString("stream_id"));
        assertEquals("Fetching 2 sources", starting.getString("message"));
        assertEquals(7, starting.getInt("active_streams"));
        assertEquals(3000, frame(0).getReconnectDelay(), "the first frame tells the browser when to reconnect");
        assertEquals(String.valueOf(before), frame(0).id());
        assertEquals("streaming", session.phase());
        assertEquals(2, session.pendingFetches());
        assertEquals(0, session.sourcesCompleted());
        assertEquals(2, session.totalSources());
        assertFalse(session.live());
        assertEquals("s1", session.id());

        fetched(beta, article(beta, "beta one", T), article(beta, "beta two", T.plusSeconds(60)),
                article(beta, "beta three", T.plusSeconds(120)));
        awaitFrames(List.of("starting", "source_complete"));
        JsonObject first = json(frame(1));
        assertEquals("Beta", first.getString("source"));
        assertEquals("s1", first.getString("stream_id"));
        assertEquals(1, first.getJsonObject("progress").getInt("completed"));
        assertEquals(2, first.getJsonObject("progress").getInt("total"));
        assertEquals(List.of("beta three", "beta two"), titlesOf(frame(1)), "the newest articles-per-event");
        assertEquals("success", first.getJsonObject("source_stat").getString("status"));
        assertFalse(frame(1).isReconnectDelaySet());
        assertEquals(1, session.sourcesCompleted());
        assertEquals(1, session.pendingFetches());
        assertTrue(session.clientConnected());

        fetched(alpha, article(alpha, "alpha one", T));
        awaitFrames(List.of("starting", "source_complete", "source_complete", "complete"));
        awaitClosed();
        JsonObject complete = json(frame(3));
        assertEquals("Processed 2 sources", complete.getString("message"));
        assertEquals(4, complete.getInt("total_articles"));
        assertEquals(2, complete.getInt("successful_sources"));
        assertEquals(0, complete.getInt("failed_sources"));
        assertEquals(100.0, complete.getJsonObject("progress").getJsonNumber("percentage").doubleValue());
        assertEquals(List.of("complete / cancelled 0"), closes);
        assertEquals("closed", session.phase(), "complete was written, then the channel closed");
        assertFalse(session.clientConnected());
        assertEquals(before, session.cursor(), "a stream that is not live follows no arrivals");
    }

    @Test
    void aCachedCategoryIsSentAsInitialFirstAndAFreshOneCompletesWithoutAnyFetch() throws Exception {
        memory.record(alpha, Instant.now(), article(alpha, "alpha one", T), article(alpha, "alpha two", T.plusSeconds(5)));
        memory.record(beta, Instant.now(), article(beta, "beta one", T.plusSeconds(9)));
        memory.record(gamma, Instant.now(), article(gamma, "match report", T));
        long last = memory.store().lastSequence();

        StreamSession session = start(List.of(alpha, beta), new StreamRequest("world", true, false, null));

        awaitFrames(List.of("initial", "starting", "complete"));
        awaitClosed();
        assertEquals(List.of(), fetchedFor, "a fresh cache answers without a fetch");
        assertEquals(3000, frame(0).getReconnectDelay(), "the hint rides on the first frame");
        assertFalse(frame(1).isReconnectDelaySet(), "and only there");
        assertEquals(String.valueOf(last), frame(0).id());
        assertEquals(List.of("beta one", "alpha two", "alpha one"), titlesOf(frame(0)), "its category, newest first");
        JsonObject complete = json(frame(2));
        assertEquals("Used fresh cached data", complete.getString("message"));
        assertEquals(3, complete.getInt("total_articles"));
        assertEquals(2, complete.getInt("successful_sources"));
        assertEquals(2, complete.getJsonObject("progress").getInt("completed"));
        assertTrue(complete.getJsonNumber("cache_age_seconds").doubleValue() < 60);
        assertEquals(2, session.sourcesCompleted());
        assertEquals(1, initials.serialised());
    }

    @Test
    void aClientThatWillNotUseTheCacheGetsItAsInitialAndStillFetches() throws Exception {
        memory.record(alpha, Instant.now(), article(alpha, "alpha one", T));
        start(List.of(alpha), new StreamRequest("world", false, false, null));
        awaitFrames(List.of("initial", "starting"));
        assertEquals(List.of("Alpha@s1"), fetchedFor);
        fetched(alpha, article(alpha, "alpha one", T));
        awaitFrames(List.of("initial", "starting", "source_complete", "complete"));
    }

    @Test
    void aCacheOlderThanFreshForIsNotUsedToComplete() throws Exception {
        memory.record(alpha, Instant.now().minus(Duration.ofMinutes(3)), article(alpha, "alpha one", T));
        start(List.of(alpha), new StreamRequest("world", true, false, null));
        awaitFrames(List.of("initial", "starting"));
        assertEquals(List.of("Alpha@s1"), fetchedFor, "checked three minutes ago with fresh-for two: fetched");
    }

    @Test
    void aResumeFromAKnownIdReplaysWhatWasMissedInItsCategoryThenGoesOnWithoutInitial() throws Exception {
        memory.record(alpha, Instant.now(), article(alpha, "alpha one", T));
        long seen = memory.store().lastSequence();
        memory.record(gamma, Instant.now(), article(gamma, "match report", T.plusSeconds(1)));
        memory.record(alpha, Instant.now(), article(alpha, "alpha two", T.plusSeconds(2)));
        memory.record(beta, Instant.now(), article(beta, "beta one", T.plusSeconds(3)));
        long last = memory.store().lastSequence();

        StreamSession session = start(List.of(alpha, beta), new StreamRequest("world", false, false, String.valueOf(seen)));

        awaitFrames(List.of("article", "article", "starting"));
        assertEquals(List.of("alpha two"), titlesOf(frame(0)));
        assertEquals(List.of("beta one"), titlesOf(frame(1)));
        assertEquals(String.valueOf(seen + 2), frame(0).id(), "each article frame's id is its arrival number");
        assertEquals(String.valueOf(last), frame(1).id());
        assertEquals(String.valueOf(last), frame(2).id());
        assertFalse(frame(2).isReconnectDelaySet(), "a resuming browser already knows when to reconnect");
        assertEquals(last, session.cursor());
    }

    @Test
    void aResumeFromAnIdTheLogCannotServeIsToldToResyncAndGetsTheFullInitial() throws Exception {
        memory.record(alpha, Instant.now(), article(alpha, "alpha one", T));
        long last = memory.store().lastSequence();

        start(List.of(alpha), new StreamRequest("world", false, false, String.valueOf(last + 100)));

        awaitFrames(List.of("resync", "initial", "starting"));
        JsonObject resync = json(frame(0));
        assertTrue(resync.getString("message").startsWith("Cannot resume from event id '" + (last + 100) + "'"),
                resync.getString("message"));
        assertEquals(3000, frame(0).getReconnectDelay());
        assertFalse(frame(1).isReconnectDelaySet());
        assertFalse(frame(2).isReconnectDelaySet());
        assertEquals(String.valueOf(last), frame(0).id());
    }

    @Test
    void anIdThatIsNoNumberAlsoResyncsAndWithoutACacheStartingCarriesNoHintEither() throws Exception {
        start(List.of(alpha), new StreamRequest("world", false, false, "not-a-number"));
        awaitFrames(List.of("resync", "starting"));
        assertEquals(3000, frame(0).getReconnectDelay());
        assertFalse(frame(1).isReconnectDelaySet());
    }

    @Test
    void aLiveStreamGetsEveryLaterArrivalOfItsCategoryExactlyOnceIncludingWhatItsSourceFramesLeftOut() throws Exception {
        StreamSession session = start(List.of(alpha, beta), new StreamRequest("world", false, true, null));
        assertTrue(session.live());
        awaitFrames(List.of("starting"));

        // three new articles: source_complete carries the newest two, the third must follow as an article
        fetched(alpha, article(alpha, "alpha one", T), article(alpha, "alpha two", T.plusSeconds(1)),
                article(alpha, "alpha three", T.plusSeconds(2)));
        awaitFrames(List.of("starting", "source_complete"));
        fetched(beta, article(beta, "beta one", T.plusSeconds(3)));
        awaitFrames(List.of("starting", "source_complete", "source_complete", "complete", "article"));
        assertEquals(List.of("alpha three", "alpha two"), titlesOf(frame(1)));
        assertEquals(List.of("beta one"), titlesOf(frame(2)));
        assertEquals(List.of("alpha one"), titlesOf(frame(4)));
        assertEquals("live", session.phase());
        assertEquals(0, client.closes.get(), "a live stream stays open after complete");

        memory.record(gamma, Instant.now(), article(gamma, "match report", T.plusSeconds(4)));
        memory.record(beta, Instant.now(), article(beta, "beta two", T.plusSeconds(5)), article(beta, "beta one", T.plusSeconds(3)));
        long last = memory.store().lastSequence();
        awaitFrames(List.of("starting", "source_complete", "source_complete", "complete", "article", "article"));
        assertEquals(List.of("beta two"), titlesOf(frame(5)), "the other category's arrival and the known one are not sent");
        assertEquals(String.valueOf(last), frame(5).id());
        Wait.until(() -> session.cursor() == last, PATIENCE, () -> "cursor " + session.cursor() + " of " + last);
        session.pump(); // a fan-out with nothing new sends nothing
        memory.record(alpha, Instant.now(), article(alpha, "alpha four", T.plusSeconds(6)));
        awaitFrames(List.of("starting", "source_complete", "source_complete", "complete", "article", "article", "article"));
        List<String> articleTitles = new ArrayList<>();
        for (RecordingSink.Frame f : client.written) if (!"starting".equals(f.name()) && !"complete".equals(f.name())) articleTitles.addAll(titlesOf(f));
        assertEquals(List.of("alpha three", "alpha two", "beta one", "alpha one", "beta two", "alpha four"), articleTitles,
                "every article exactly once");
    }

    @Test
    void aLiveStreamThatFellOffTheArrivalLogIsLetGo() throws Exception {
        MemoryStore small = new MemoryStore(4);
        SessionServices services = new SessionServices(settings, small.store(), frames, initials(small), results,
                fetch, handOffs, activeStreams::get);
        StreamSession session = new StreamSession("s1", List.of(), true, "world", services,
                (id, onClose) -> new SseChannel(id, client, client, settings, writer, onClose),
                (s, reason, cancelled) -> closes.add(reason + " / cancelled " + cancelled));
        session.start(new StreamRequest("world", false, true, null));
        awaitFrames(List.of("starting", "complete"));
        assertEquals("live", session.phase());
        // no fan-out reaches it while ten articles arrive: its place falls out of a log of four
        for (int i = 0; i < 10; i++) small.record(alpha, Instant.now(), article(alpha, "alpha " + i, T.plusSeconds(i)));
        session.pump();
        awaitClosed();
        assertEquals(List.of("client too slow: fell more than the live log behind / cancelled 0"), closes);
        assertEquals("closed", session.phase());
        assertEquals(List.of("starting", "complete"), client.names());
    }

    private InitialFrames initials(MemoryStore store) {
        InitialFrames own = new InitialFrames();
        own.store = store.store();
        own.ingest = initials.ingest;
        own.settings = settings;
        own.frames = frames;
        return own;
    }

    @Test
    void aStreamOverNoSourcesCompletesAtOnce() throws Exception {
        start(List.of(), new StreamRequest("nothing", false, false, null));
        awaitFrames(List.of("starting", "complete"));
        awaitClosed();
        JsonObject complete = json(frame(1));
        assertEquals("Processed 0 sources", complete.getString("message"));
        assertEquals(100.0, complete.getJsonObject("progress").getJsonNumber("percentage").doubleValue());
        assertEquals(List.of(), fetchedFor);
    }

    @Test
    void aFailedFetchIsReportedAsASourceErrorSayingWhy() throws Exception {
        Source delta = source("Delta", "world");
        fetch = (source, id) -> {
            if (source == delta) throw new RejectedExecutionException("queue full");
            return fetches.computeIfAbsent(source.name(), n -> new CompletableFuture<>());
        };
        start(List.of(alpha, beta, gamma, delta), new StreamRequest(null, false, false, null));
        awaitFrames(List.of("starting", "source_error"));
        fetches.get("Alpha").completeExceptionally(new IOException("connection reset"));
        awaitFrames(List.of("starting", "source_error", "source_error"));
        fetches.get("Beta").completeExceptionally(new CompletionException(new CancellationException()));
        awaitFrames(List.of("starting", "source_error", "source_error", "source_error"));
        fetches.get("Gamma").completeExceptionally(new RejectedExecutionException("later"));
        awaitFrames(List.of("starting", "source_error", "source_error", "source_error", "source_error", "complete"));

        List<String> errors = new ArrayList<>();
        for (int i = 1; i <= 4; i++) errors.add(json(frame(i)).getString("source") + ": " + json(frame(i)).getString("error"));
        assertEquals(List.of("Delta: server busy: the fetch queue is full",
                "Alpha: unexpected failure: java.io.IOException: connection reset",
                "Beta: fetch cancelled",
                "Gamma: server busy: the fetch queue is full"), errors);
        assertEquals(3, json(frame(3)).getJsonObject("progress").getInt("completed"));
        JsonObject complete = json(frame(5));
        assertEquals(0, complete.getInt("successful_sources"));
        assertEquals(4, complete.getInt("failed_sources"));
        assertEquals(0, complete.getInt("total_articles"));
    }

    @Test
    void aSourceThatAnsweredWithAnErrorCountsAsFailedInComplete() throws Exception {
        start(List.of(alpha, beta), new StreamRequest("world", false, false, null));
        awaitFrames(List.of("starting"));
        fetches.get("Alpha").complete(new SourceResult(alpha, List.of(),
                SourceStat.of(alpha, FeedStatus.ERROR, 0, "HTTP 500", Instant.now(), 0.1)));
        fetched(beta, article(beta, "beta one", T));
        awaitFrames(List.of("starting", "source_complete", "source_complete", "complete"));
        JsonObject complete = json(frame(3));
        assertEquals(1, complete.getInt("successful_sources"));
        assertEquals(1, complete.getInt("failed_sources"));
        assertEquals(1, complete.getInt("total_articles"));
    }

    @Test
    void somethingUnexpectedEndsTheStreamWithOneErrorFrame() throws Exception {
        fetch = (source, id) -> {
            throw new IllegalStateException("boom");
        };
        StreamSession session = start(List.of(alpha), new StreamRequest("world", false, false, null));
        awaitFrames(List.of("starting", "error"));
        awaitClosed();
        assertEquals("unexpected failure: java.lang.IllegalStateException: boom", json(frame(1)).getString("error"));
        assertEquals("closed", session.phase(), "the failure's last frame is written, then the stream closes");
    }

    @Test
    void aClientThatLeavesCancelsEveryFetchItStillWaitedFor() throws Exception {
        StreamSession session = start(List.of(alpha, beta, gamma), new StreamRequest(null, false, false, null));
        awaitFrames(List.of("starting"));
        fetched(alpha, article(alpha, "alpha one", T));
        awaitFrames(List.of("starting", "source_complete"));
        Wait.until(() -> session.pendingFetches() == 2, PATIENCE, () -> session.pendingFetches() + " pending");

        client.vanish();
        session.tick(System.nanoTime(), settings.heartbeat().toNanos(), settings.liveHeartbeat().toNanos());

        assertEquals(List.of("client disconnected / cancelled 2"), closes);
        assertTrue(fetches.get("Beta").isCancelled() && fetches.get("Gamma").isCancelled());
        assertEquals("closed", session.phase());
        fetched(beta, article(beta, "beta one", T)); // too late: nobody reports it
        writerIdle();
        assertEquals(List.of("starting", "source_complete"), client.names());
    }

    @Test
    void reportsReadyAtOnceWaitForTheClientsRoomInsteadOfOverflowingIt() throws Exception {
        settings.buffer = 16; // without holding, twenty reports at once overflow an outbox of sixteen
        List<Source> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) many.add(source("S" + i, "world"));
        StreamSession session = start(many, new StreamRequest("world", false, false, null));
        client.stallWrites();
        awaitFrames(List.of("starting"));
        for (Source s : many) fetched(s, article(s, s.name() + " news", T));
        client.release();

        List<String> expected = new ArrayList<>(List.of("starting"));
        for (int i = 0; i < 20; i++) expected.add("source_complete");
        expected.add("complete");
        awaitFrames(expected);
        awaitClosed();
        assertEquals(List.of("complete / cancelled 0"), closes);
        for (int i = 0; i < 20; i++) assertEquals("S" + i, json(frame(i + 1)).getString("source"), "in the order they finished");
        assertEquals(20, session.sourcesCompleted());
    }

    @Test
    void withNoWriterToTakeAResultTheStreamEndsRatherThanReportOutOfOrder() throws Exception {
        handOffs = task -> {
            throw new RejectedExecutionException("full");
        };
        start(List.of(alpha), new StreamRequest("world", false, false, null));
        awaitFrames(List.of("starting"));
        fetched(alpha, article(alpha, "alpha one", T));
        assertEquals(List.of("server overloaded: no writer available / cancelled 0"), closes);
    }

    @Test
    void heartbeatsComeOftenWhileFetchesArePendingAndRarelyOnceLive() throws Exception {
        StreamSession session = start(List.of(alpha), new StreamRequest("world", false, true, null));
        awaitFrames(List.of("starting"));
        long second = Duration.ofSeconds(1).toNanos(), hour = Duration.ofHours(1).toNanos();

        session.tick(System.nanoTime() + 2 * second, second, hour);
        awaitFrames(List.of("starting", "#heartbeat"));

        fetched(alpha, article(alpha, "alpha one", T));
        awaitFrames(List.of("starting", "#heartbeat", "source_complete", "complete"));
        Wait.until(() -> session.pendingFetches() == 0, PATIENCE, () -> "still pending");
        session.tick(System.nanoTime() + 2 * second, second, hour);
        writerIdle();
        assertEquals(List.of("starting", "#heartbeat", "source_complete", "complete"), client.names(),
                "an idle live stream waits for the live heartbeat");
    }

    @Test
    void anIdleLiveStreamGetsTheLiveHeartbeatAndEndsAtItsLifetime() throws Exception {
        StreamSession session = start(List.of(), new StreamRequest("world", false, true, null));
        awaitFrames(List.of("starting", "complete"));
        long second = Duration.ofSeconds(1).toNanos(), hour = Duration.ofHours(1).toNanos();
        long tenMinutes = Duration.ofMinutes(10).toNanos(), minute = Duration.ofMinutes(1).toNanos();
        session.tick(System.nanoTime() + tenMinutes, second, tenMinutes); // the live heartbeat is due
        awaitFrames(List.of("starting", "complete", "#heartbeat"));

        session.tick(System.nanoTime() + 25 * minute, second, hour);
        assertEquals(0, client.closes.get(), "the lifetime is 30 min +-10 %: not over at 25 min");
        session.tick(System.nanoTime() + 34 * minute, second, hour);
        awaitFrames(List.of("starting", "complete", "#heartbeat", "#stream lifetime reached; reconnect with Last-Event-ID"));
        awaitClosed();
        assertEquals(List.of("complete / cancelled 0"), closes);
        assertTrue(session.age().compareTo(Duration.ZERO) > 0);
    }

    @Test
    void aStreamThatIsNotLiveIgnoresTheLifetime() throws Exception {
        StreamSession session = start(List.of(alpha), new StreamRequest("world", false, false, null));
        awaitFrames(List.of("starting"));
        long twoDays = Duration.ofDays(2).toNanos(); // no heartbeat due: only the lifetime could act
        session.tick(System.nanoTime() + Duration.ofDays(1).toNanos(), twoDays, twoDays);
        writerIdle();
        assertEquals(List.of("starting"), client.names());
        assertEquals(List.of(), closes);
    }

    @Test
    void twoStreamsOverOneFetchShareItsSerialisation() throws Exception {
        start(List.of(alpha), new StreamRequest("world", false, false, null));
        RecordingSink other = new RecordingSink();
        SessionServices services = new SessionServices(settings, memory.store(), frames, initials, results, fetch,
                handOffs, activeStreams::get);
        StreamSession second = new StreamSession("s2", List.of(alpha), false, "world", services,
                (id, onClose) -> new SseChannel(id, other, other, settings, writer, onClose), (s, r, c) -> { });
        second.start(new StreamRequest("world", false, false, null));
        assertEquals(List.of("Alpha@s1", "Alpha@s2"), fetchedFor);
        fetched(alpha, article(alpha, "alpha one", T));
        awaitFrames(List.of("starting", "source_complete", "complete"));
        Wait.until(() -> other.written.size() == 3, PATIENCE, () -> "second stream: " + other.names());
        assertEquals(1, results.serialised());
        JsonObject mine = json(frame(1)), theirs = json((RecordingSink.Frame) other.written.get(1));
        assertEquals("s1", mine.getString("stream_id"));
        assertEquals("s2", theirs.getString("stream_id"));
        assertEquals(mine.getJsonArray("articles"), theirs.getJsonArray("articles"));
        assertNotEquals(mine, theirs);
    }

    private void writerIdle() throws InterruptedException {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        writer.execute(() -> idle.complete(null));
        try {
            idle.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the writer did not get to an idle point", e);
        }
    }
}
