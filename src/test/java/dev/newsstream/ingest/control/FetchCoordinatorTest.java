package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.control.ReadProgress;
import dev.newsstream.feed.control.SourceReader;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.cluster.entity.LeaseHolder;
import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.store.entity.SourceState;
import dev.newsstream.testing.Wait;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared fetches without a server: a {@link SourceReader} whose reads this test ends, a plain JDK executor
 * behind the real host lanes, the real politeness and recorder over {@link IngestDoubles.Store}. One read per
 * source whoever asks, answers from the cache without one, every ending (result, cancel, refusal, a throw) ends
 * the flight once and frees the host's slot.
 */
class FetchCoordinatorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Feeds feeds = new Feeds();
    private final IngestDoubles.Store store = new IngestDoubles.Store();
    private final IngestDoubles.Catalog catalog = new IngestDoubles.Catalog();
    private final IngestDoubles.Metrics metrics = new IngestDoubles.Metrics();
    private final IngestSettings settings = new IngestSettings();
    private final PoliteSettings polite = new PoliteSettings();
    private final HostPauses pauses = new HostPauses();
    private final HostLanes lanes = new HostLanes();
    private final Reader reader = new Reader();
    private final FetchCoordinator cut = new FetchCoordinator();
    private final IngestDoubles.Cluster cluster = new IngestDoubles.Cluster();
    private final RemoteFlights remote = new RemoteFlights();

    private static final Source A = source("A", "http://a.example/rss");
    private static final Source A2 = source("A2", "http://a.example/other");
    private static final Source B = source("B", "http://b.example/rss");

    /** The feed executor: a plain pool that refuses while the test says so. */
    final class Feeds extends AbstractExecutorService {
        volatile boolean refusing;

        @Override
        public void execute(Runnable command) {
            if (refusing) throw new RejectedExecutionException("queue full");
            pool.execute(command);
        }

        @Override public void shutdown() { }
        @Override public List<Runnable> shutdownNow() { return List.of(); }
        @Override public boolean isShutdown() { return false; }
        @Override public boolean isTerminated() { return false; }
        @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return false; }
    }

    /** Reads that end when the test says; each one remembered with what it was handed. */
    static final class Reader extends SourceReader {
        final Map<String, CompletableFuture<SourceFetch>> reads = new ConcurrentHashMap<>();
        final List<String> order = new CopyOnWriteArrayList<>();
        final Map<String, ReadProgress> progress = new ConcurrentHashMap<>();
        final Map<String, Function<URI, ConditionalHeaders>> validators = new ConcurrentHashMap<>();
        volatile RuntimeException failure;

        @Override
        public CompletableFuture<SourceFetch> read(Source source, Function<URI, ConditionalHeaders> validators,
                                                   ReadProgress progress) {
            if (failure != null) throw failure;
            CompletableFuture<SourceFetch> read = new CompletableFuture<>();
            reads.put(source.name(), read);
            order.add(source.name());
            this.progress.put(source.name(), progress);
            this.validators.put(source.name(), validators);
            return read;
        }
    }

    FetchCoordinatorTest() {
        settings.minInterval = Duration.ofSeconds(10);
        settings.backoffBase = Duration.ofHours(1);
        settings.backoffMax = Duration.ofHours(4);
        polite.maxPerHost = 1;
        polite.hostPauseAfter = 1;
        polite.hostPauseMax = Duration.ofHours(24);
        polite.hintMax = Duration.ofHours(1);
        pauses.settings = polite;
        lanes.settings = polite;
        Politeness politeness = new Politeness();
        politeness.settings = polite;
        politeness.ingest = settings;
        politeness.pauses = pauses;
        FetchRecorder recorder = new FetchRecorder();
        recorder.store = store;
        recorder.settings = settings;
        recorder.politeness = politeness;
        recorder.catalog = catalog;
        catalog.sources = List.of(A, A2, B);
        remote.cluster = cluster; // alone (no grid) unless a test gives it one
        remote.records = new RemoteFlightsTest.Records();
        remote.limits = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(20), 1024, 5, "test");
        remote.listen(scheduler);
        cut.reader = reader;
        cut.store = store;
        cut.settings = settings;
        cut.metrics = metrics;
        cut.politeness = politeness;
        cut.lanes = lanes;
        cut.remote = remote;
        cut.recorder = recorder;
        cut.start(feeds);
    }

    @AfterEach
    void stopPools() throws InterruptedException {
        pool.shutdownNow();
        scheduler.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "the pool's threads did not end");
    }

    static Source source(String name, String url) {
        return new Source(name, List.of(URI.create(url)), "general", "US", "", "");
    }

    static Article article(Source source, String title) {
        return new Article(title, "http://example.com/" + title, "d", Instant.parse("2026-12-01T10:00:00Z"),
                source.name(), source.category(), source.country(), null, null, null, List.of());
    }

    static UrlReport url(Source source, String outcome, FetchOutcome.FailureReason failure, String etag) {
        String u = source.firstUrl().toString();
        return new UrlReport(u, outcome, failure == null ? 200 : 500, etag, null, "t", "l", 1, List.of(),
                failure == null ? null : "broken", failure, u);
    }

    static SourceFetch fetched(Source source, FeedStatus status, List<UrlReport> urls, Article... articles) {
        SourceStat stat = SourceStat.of(source, status, articles.length, status == FeedStatus.ERROR ? "broken" : null,
                Instant.now(), 0.5);
        return new SourceFetch(source, List.of(articles), stat, urls, List.of(), null);
    }

    private void readStarted(String name) throws InterruptedException {
        Wait.until(() -> reader.reads.containsKey(name), PATIENCE, () -> "reads: " + reader.order);
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("completed normally: " + f.join());
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("never ended");
        }
    }

    @Test
    void everyoneWhoAsksJoinsTheOneReadAndGetsItsRecordedResult() throws Exception {
        CompletableFuture<SourceResult> first = cut.fetch(A, "stream-1");
        CompletableFuture<SourceResult> second = cut.fetch(A, "refresh");
        readStarted("A");

        assertEquals(1, cut.fetchesStarted());
        assertEquals(1, cut.sharedJoins());
        assertEquals(1, metrics.started.get());
        assertEquals(1, metrics.gauge("newsstream_fetches_in_flight"));
        Flight flight = cut.inFlight().iterator().next();
        assertEquals(List.of("stream-1", "refresh"), flight.waiters());
        assertSame(flight, reader.progress.get("A"), "the flight hears the read's progress");
        store.validators.put(URI.create("http://a.example/rss"), new ConditionalHeaders("\"e1\"", null));
        assertEquals("\"e1\"", reader.validators.get("A").apply(URI.create("http://a.example/rss")).etag(),
                "the read sends the stored validators");

        reader.reads.get("A").complete(fetched(A, FeedStatus.SUCCESS,
                List.of(url(A, "OK", null, "\"e2\""), url(A, "NOT_MODIFIED", null, null)),
                article(A, "one"), article(A, "two")));

        SourceResult result = first.get(10, TimeUnit.SECONDS);
        assertSame(result, second.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("one", "two"), result.articles().stream().map(Article::title).sorted().toList());
        assertEquals(2, result.stat().articleCount());
        assertEquals(List.of("A 2 {http://a.example/rss=ConditionalHeaders[etag=\"e2\", lastModified=null]}"), store.recorded);
        assertEquals(List.of("succeeded", "not-modified"), metrics.events);
        Wait.until(() -> cut.inFlight().isEmpty(), PATIENCE, () -> "in flight: " + cut.inFlight());
        Wait.until(() -> lanes.running("a.example") == 0, PATIENCE, () -> "the host slot is still held");
        assertEquals(0, metrics.gauge("newsstream_fetches_in_flight"));
        assertEquals(2, metrics.gauge("newsstream_cache_articles"));
    }

    @Test
    void aSourceFetchedWithinTheMinimumIntervalIsAnsweredFromTheStore() throws Exception {
        store.memory.record(A, Instant.now(), article(A, "cached"));
        store.states.put("A", new SourceState(SourceStat.of(A, FeedStatus.SUCCESS, 1, null, Instant.now(), 0), 0, null,
                Instant.now().minusSeconds(8)));

        SourceResult result = cut.fetch(A, "w").get(10, TimeUnit.SECONDS);

        assertEquals(List.of("cached"), result.articles().stream().map(Article::title).toList());
        assertNull(result.deferred());
        assertEquals(1, cut.answeredFromCache());
        assertEquals(0, cut.fetchesStarted());
        assertEquals(List.of(), reader.order);
        assertEquals(Optional.of("fetched successfully 8 s ago, within newsstream.fetch.min-interval (10 s)"),
                cut.tooSoon(A, Instant.now()));

        store.states.put("A", new SourceState(SourceStat.of(A, FeedStatus.SUCCESS, 1, null, Instant.now(), 0), 0, null,
                Instant.now().minusSeconds(11)));
        assertEquals(Optional.empty(), cut.tooSoon(A, Instant.now()));
        cut.fetch(A, "w");
        readStarted("A");
        assertEquals(1, cut.fetchesStarted());
    }

    @Test
    void aSourceThatMayNotBeFetchedYetGetsItsLastOutcomeWithoutTheNetwork() throws Exception {
        store.memory.record(A, Instant.now().minusSeconds(3600), article(A, "kept"));
        Instant until = Instant.now().plusSeconds(600);
        store.states.put("A", new SourceState(SourceStat.of(A, FeedStatus.ERROR, 1, "x", Instant.now(), 0), 2, until, null));

        SourceResult result = cut.fetch(A, "w").get(10, TimeUnit.SECONDS);

        assertEquals(new Deferral(Deferral.BACKOFF, until), result.deferred());
        assertEquals(List.of("kept"), result.articles().stream().map(Article::title).toList());
        assertEquals(FeedStatus.ERROR, result.stat().status());
        assertEquals(1, cut.answeredFromCache());
        assertEquals(List.of(), reader.order);
        assertEquals(Optional.of("backing off after 2 failure(s) until " + until), cut.tooSoon(A, Instant.now()));
        store.states.put("A", new SourceState(SourceStat.of(A, FeedStatus.SUCCESS, 1, null, Instant.now(), 0), 0, until, null));
        assertEquals(Optional.of("asked by the feed server (Retry-After) to wait until " + until), cut.tooSoon(A, Instant.now()));
        assertEquals(Optional.empty(), cut.tooSoon(A, until), "due at its instant");
    }

    @Test
    void aFailedReadIsRecordedAsAFailureAndBacksOff() throws Exception {
        CompletableFuture<SourceResult> ticket = cut.fetch(A, "w");
        readStarted("A");
        reader.reads.get("A").complete(fetched(A, FeedStatus.ERROR, List.of(url(A, "ERROR", FetchOutcome.FailureReason.TIMEOUT, null))));

        SourceResult result = ticket.get(10, TimeUnit.SECONDS);
        assertTrue(result.failed());
        assertEquals(List.of("failed TIMEOUT"), metrics.events);
        assertEquals(List.of("A failed {}"), store.recorded);
        assertEquals(1, store.state(A).consecutiveFailures());
    }

    @Test
    void aHostsReadsWaitForItsSlotAndACancelledWaitingOneNeverReads() throws Exception {
        CompletableFuture<SourceResult> a = cut.fetch(A, "w1");
        CompletableFuture<SourceResult> a2 = cut.fetch(A2, "w2");
        cut.fetch(B, "w3");
        readStarted("A");
        readStarted("B");
        assertEquals(1, lanes.waiting("a.example"), "A2 waits for its host's one slot");
        assertFalse(reader.reads.containsKey("A2"));

        assertTrue(a2.cancel(true));
        assertEquals(List.of("A"), cut.inFlight().stream().map(f -> f.source().name()).filter(n -> n.startsWith("A")).toList(),
                "the cancelled flight is forgotten at once");
        reader.reads.get("A").complete(fetched(A, FeedStatus.SUCCESS, List.of(url(A, "OK", null, null))));
        a.get(10, TimeUnit.SECONDS);
        Wait.until(() -> lanes.running("a.example") == 0, PATIENCE,
                () -> "a.example running " + lanes.running("a.example") + ", waiting " + lanes.waiting("a.example"));
        assertFalse(reader.reads.containsKey("A2"), "a flight cancelled while queued starts no read");

        CompletableFuture<SourceResult> again = cut.fetch(A2, "w4");
        readStarted("A2");
        assertFalse(again.isDone());
    }

    @Test
    void theLastWaiterLeavingCancelsTheReadAndFreesTheSlot() throws Exception {
        CompletableFuture<SourceResult> ticket = cut.fetch(A, "w");
        readStarted("A");
        Wait.until(() -> cut.inFlight().iterator().next().phase() != null, PATIENCE, () -> "no phase");
        ticket.cancel(true);

        assertTrue(reader.reads.get("A").isCancelled(), "the read is cancelled");
        Wait.until(() -> lanes.running("a.example") == 0, PATIENCE, () -> "the host slot is still held");
        assertTrue(cut.inFlight().isEmpty());
        assertEquals(List.of(), store.recorded, "nothing recorded of a cancelled read");
    }

    @Test
    void aRefusedStartTellsEveryWaiterTheServerIsBusy() throws Exception {
        feeds.refusing = true;
        CompletableFuture<SourceResult> ticket = cut.fetch(A, "w");
        Throwable failure = failureOf(ticket);
        assertInstanceOf(RejectedExecutionException.class, failure);
        assertEquals("server busy: the fetch queue is full", failure.getMessage());
        assertTrue(cut.inFlight().isEmpty());
        assertEquals(0, lanes.running("a.example"));

        feeds.refusing = false;
        cut.fetch(A, "w");
        readStarted("A");
    }

    @Test
    void aQueuedStartTheExecutorRefusesLaterFailsThatFlightOnly() throws Exception {
        CompletableFuture<SourceResult> a = cut.fetch(A, "w1");
        CompletableFuture<SourceResult> a2 = cut.fetch(A2, "w2");
        readStarted("A");
        feeds.refusing = true;
        reader.reads.get("A").complete(fetched(A, FeedStatus.SUCCESS, List.of()));
        a.get(10, TimeUnit.SECONDS);
        Throwable failure = failureOf(a2);
        assertInstanceOf(RejectedExecutionException.class, failure);
        assertEquals("server busy: the fetch queue is full", failure.getMessage());
        Wait.until(() -> lanes.running("a.example") == 0, PATIENCE, () -> "the host slot is still held");
    }

    @Test
    void aReadThatThrowsBecomesTheSourcesInternalError() throws Exception {
        reader.failure = new IllegalStateException("bug");
        CompletableFuture<SourceResult> ticket = cut.fetch(A, "w");
        SourceResult result = ticket.get(10, TimeUnit.SECONDS);

        assertEquals(FeedStatus.ERROR, result.stat().status());
        assertEquals("feed could not be read: internal error (IllegalStateException)", result.stat().errorMessage());
        assertEquals(List.of("failed INTERNAL"), metrics.events);
        assertEquals(List.of("A failed {}"), store.recorded);
        assertEquals(0, lanes.running("a.example"), "the slot is freed");
        assertTrue(cut.inFlight().isEmpty());
    }

    @Test
    void aReadThatEndsInAnErrorIsNamedByItsCauseAndRefusalsStayRefusals() throws Exception {
        CompletableFuture<SourceResult> a = cut.fetch(A, "w1");
        CompletableFuture<SourceResult> b = cut.fetch(B, "w2");
        readStarted("A");
        readStarted("B");
        reader.reads.get("A").completeExceptionally(new CompletionException(new OutOfMemoryError("one parse")));
        reader.reads.get("B").completeExceptionally(new CompletionException(new RejectedExecutionException("parse queue")));

        assertEquals("feed could not be read: internal error (OutOfMemoryError)", a.get(10, TimeUnit.SECONDS).stat().errorMessage());
        Throwable refused = failureOf(b);
        assertInstanceOf(RejectedExecutionException.class, refused);
        assertEquals("server busy: the fetch queue is full", refused.getMessage());
        assertEquals("parse queue", refused.getCause().getMessage());
        assertEquals(List.of("A failed {}"), store.recorded, "a refusal records nothing");
        Wait.until(() -> lanes.running("a.example") + lanes.running("b.example") == 0, PATIENCE, () -> "slots held");
    }

    @Test
    void whenTheStoreFailsTooTheWaitersStillHearOfIt() throws Exception {
        store.refuse = new IllegalStateException("disk");
        CompletableFuture<SourceResult> ticket = cut.fetch(A, "w");
        readStarted("A");
        reader.reads.get("A").complete(fetched(A, FeedStatus.SUCCESS, List.of()));

        Throwable failure = failureOf(ticket);
        assertInstanceOf(IllegalStateException.class, failure);
        assertEquals("feed could not be read: internal error (IllegalStateException)", failure.getMessage());
        Wait.until(() -> lanes.running("a.example") == 0, PATIENCE, () -> "the host slot is still held");
    }

    @Test
    void aRemovedSourcesFetchIsAbortedForEveryWaiter() throws Exception {
        assertFalse(cut.abort("A"), "nothing in flight");
        CompletableFuture<SourceResult> one = cut.fetch(A, "w1");
        CompletableFuture<SourceResult> two = cut.fetch(A, "w2");
        readStarted("A");

        assertTrue(cut.abort("A"));

        for (CompletableFuture<SourceResult> t : List.of(one, two)) {
            Throwable failure = failureOf(t);
            assertInstanceOf(CancellationException.class, failure);
        }
        assertTrue(reader.reads.get("A").isCancelled());
        assertTrue(cut.inFlight().isEmpty());
        assertFalse(cut.abort("A"));
        Wait.until(() -> lanes.running("a.example") == 0, PATIENCE, () -> "the host slot is still held");
    }

    @Test
    void theDebugFetchJoinsTheFlightAndHandsBackThePerUrlDetails() throws Exception {
        CompletableFuture<SourceResult> plain = cut.fetch(A, "stream");
        CompletableFuture<SourceFetch> details = cut.fetchWithDetails(A, "debug");
        readStarted("A");
        assertEquals(1, cut.fetchesStarted());
        assertEquals(1, cut.sharedJoins());
        SourceFetch fetch = fetched(A, FeedStatus.SUCCESS, List.of(url(A, "OK", null, null)));
        reader.reads.get("A").complete(fetch);

        assertSame(fetch, details.get(10, TimeUnit.SECONDS));
        plain.get(10, TimeUnit.SECONDS);
        Wait.until(() -> cut.inFlight().isEmpty(), PATIENCE, () -> "in flight: " + cut.inFlight());

        CompletableFuture<SourceFetch> alone = cut.fetchWithDetails(B, "debug");
        readStarted("B");
        assertEquals(2, cut.fetchesStarted());
        reader.reads.get("B").complete(fetched(B, FeedStatus.SUCCESS, List.of()));
        assertEquals("B", alone.get(10, TimeUnit.SECONDS).source().name());
    }

    @Test
    void aSourceRemovedWhileItWasFetchedLeavesNothingInTheStore() throws Exception {
        CompletableFuture<SourceResult> ticket = cut.fetch(A, "w");
        readStarted("A");
        catalog.sources = List.of(B);
        reader.reads.get("A").complete(fetched(A, FeedStatus.SUCCESS, List.of(), article(A, "late")));

        SourceResult result = ticket.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), result.articles());
        assertEquals(List.of(), store.recorded);
    }

    @Test
    void clusteredAFlightWaitsForTheInstanceFetchingItAndAnswersFromTheStoreOrFetchesHereAfterAll() throws Exception {
        RemoteFlightsTest.FakeGrid grid = new RemoteFlightsTest.FakeGrid();
        cluster.grid = grid;
        Instant since = Instant.parse("2026-12-01T12:00:00Z");
        grid.holders.put("A", new LeaseHolder("other", since));
        grid.holders.put("B", new LeaseHolder("other", since));
        CompletableFuture<SourceResult> a = cut.fetch(A, "w1");
        CompletableFuture<SourceResult> b = cut.fetch(B, "w2");
        assertEquals(2, cut.fetchesStarted(), "a flight waiting for another instance counts as started");
        assertEquals(Map.of("A", "other", "B", "other"), remote.waitingFor());
        assertTrue(cut.inFlight().stream().allMatch(Flight::remote));

        store.memory.record(A, Instant.now(), article(A, "from-other"));
        ((RemoteFlightsTest.Records) remote.records).applied.add("t1");
        remote.message("fetched\tA\tt1\t" + since.toEpochMilli(), "other");
        SourceResult answered = a.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("from-other"), answered.articles().stream().map(Article::title).toList());
        assertEquals(List.of(), reader.order, "no read here");

        grid.holders.remove("B");
        remote.memberLeft("other");
        readStarted("B");
        assertEquals(3, cut.fetchesStarted(), "fetching here after all counts as a start");
        grid.calls.clear();
        reader.reads.get("B").complete(fetched(B, FeedStatus.SUCCESS, List.of()));
        assertFalse(b.get(10, TimeUnit.SECONDS).failed());
        assertEquals(List.of("publish fetched B - " + since.toEpochMilli(), "end B"), grid.calls,
                "the fetch here releases its claim and tells the others");
    }
}
