package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.store.control.MemoryStore;
import dev.newsstream.testing.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background refresh without a server: its fetches are futures this test completes ({@link SourceFetches}),
 * its scheduler a plain JDK one, its store {@link MemoryStore}. What is due, what is reported at once, how a
 * tick spreads each host's sources, what a refresh someone asked for does, and that the summary comes last.
 */
class IngestionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final MemoryStore memory = new MemoryStore(100);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final IngestDoubles.Catalog catalog = new IngestDoubles.Catalog();
    private final IngestDoubles.Cluster cluster = new IngestDoubles.Cluster();
    private final IngestDoubles.Metrics metrics = new IngestDoubles.Metrics();
    private final IngestSettings settings = new IngestSettings();
    private final PoliteSettings polite = new PoliteSettings();
    private final HostPauses pauses = new HostPauses();
    private final Fetches fetches = new Fetches();
    private final Ingestion cut = new Ingestion();
    private final Listener listener = new Listener();

    /** Each fetch asked for, by source name, with its waiter; the test completes them. */
    static final class Fetches implements SourceFetches {
        final Map<String, CompletableFuture<SourceResult>> asked = new ConcurrentHashMap<>();
        final List<String> order = new CopyOnWriteArrayList<>();
        final Map<String, String> waiters = new ConcurrentHashMap<>();
        volatile RuntimeException refuse;

        @Override
        public CompletableFuture<SourceResult> fetch(Source source, String waiter) {
            if (refuse != null) throw refuse;
            CompletableFuture<SourceResult> f = new CompletableFuture<>();
            asked.put(source.name(), f);
            waiters.put(source.name(), waiter);
            order.add(source.name());
            return f;
        }
    }

    static final class Listener implements RefreshListener {
        final List<String> reports = new CopyOnWriteArrayList<>();
        final List<RefreshSummary> summaries = new CopyOnWriteArrayList<>();

        @Override
        public void sourceDone(SourceResult result, int processed, int failed) {
            reports.add(result.source().name() + " " + result.stat().status() + " " + processed + "/" + failed
                    + (result.skipped() ? " " + result.deferred().reason() : ""));
        }

        @Override
        public void completed(RefreshSummary summary) {
            reports.add("completed");
            summaries.add(summary);
        }
    }

    IngestionTest() {
        scheduler.setRemoveOnCancelPolicy(true);
        settings.enabled = true;
        settings.initialDelay = Duration.ofHours(1);
        settings.interval = Duration.ofHours(1);
        settings.minInterval = Duration.ofSeconds(10);
        polite.maxPerHost = 2;
        polite.hostPauseAfter = 1;
        polite.hostPauseMax = Duration.ofHours(24);
        polite.hintMax = Duration.ofHours(1);
        polite.hostSpread = Duration.ZERO;
        pauses.settings = polite;
        Politeness politeness = new Politeness();
        politeness.settings = polite;
        politeness.ingest = settings;
        politeness.pauses = pauses;
        cut.settings = settings;
        cut.catalog = catalog;
        cut.coordinator = fetches;
        cut.store = memory.store();
        cut.politeness = politeness;
        cut.politeSettings = polite;
        cut.cluster = cluster;
        cut.metrics = metrics;
    }

    @AfterEach
    void stopScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS), "the scheduler's thread did not end");
    }

    private static Source source(String name, String url) {
        return new Source(name, List.of(URI.create(url)), "general", "US", "", "");
    }

    private static SourceResult result(Source source, FeedStatus status) {
        return new SourceResult(source, List.of(), SourceStat.of(source, status, 0, null, Instant.now(), 0));
    }

    private static Article article(Source source, String title) {
        return new Article(title, "http://example.com/" + title, "d", Instant.parse("2026-12-01T10:00:00Z"),
                source.name(), source.category(), source.country(), null, null, null, List.of());
    }

    @Test
    void aRefreshSomeoneAskedForFetchesEveryDueSourceAtOnceAndSummarisesAfterTheLast() throws Exception {
        Source a1 = source("A1", "http://a.example/1"), a2 = source("A2", "http://A.example/2");
        Source b = source("B", "http://b.example/rss"), c = source("C", "http://c.example/rss");
        catalog.sources = List.of(a1, a2, b, c);
        polite.hostSpread = Duration.ofMinutes(2); // a spread applies to ticks only
        cut.scheduleOn(scheduler);
        memory.record(c, Instant.now(), article(c, "old"));

        Optional<String> id = cut.start("manual", listener);

        assertTrue(id.isPresent());
        assertTrue(id.get().matches("ingest-[0-9a-f]{8}"), id.get());
        assertEquals(List.of("A1", "A2", "B", "C"), fetches.order, "all at once, in the catalog's order");
        assertEquals(Map.of("A1", id.get(), "A2", id.get(), "B", id.get(), "C", id.get()), fetches.waiters);
        assertTrue(cut.inProgress());
        assertEquals(Optional.empty(), cut.start("manual", RefreshListener.NONE), "one refresh at a time");
        assertEquals(4, fetches.order.size(), "the refused start fetched nothing");

        memory.record(a1, Instant.now(), article(a1, "x"), article(a1, "y"));
        fetches.asked.get("A1").complete(result(a1, FeedStatus.SUCCESS));
        fetches.asked.get("B").complete(result(b, FeedStatus.WARNING));
        fetches.asked.get("C").complete(result(c, FeedStatus.ERROR));
        assertEquals(List.of("A1 SUCCESS 1/0", "B WARNING 2/0", "C ERROR 3/1"), listener.reports);
        assertTrue(cut.lastRun().isEmpty(), "no summary before the last source");
        assertEquals(0, cut.completedRuns());
        assertFalse(cut.refreshedOnce());
        fetches.asked.get("A2").completeExceptionally(new CompletionException(new RuntimeException(new IOException("secret"))));

        assertEquals(List.of("A1 SUCCESS 1/0", "B WARNING 2/0", "C ERROR 3/1", "A2 ERROR 4/2", "completed"), listener.reports);
        RefreshSummary summary = listener.summaries.get(0);
        assertEquals("manual", summary.trigger());
        assertEquals(4, summary.totalSources());
        assertEquals(0, summary.sourcesSkipped());
        assertEquals(2, summary.successfulSources(), "the warning counts as fetched");
        assertEquals(2, summary.failedSources());
        assertEquals(1, summary.warningSources());
        assertEquals(2, summary.newArticles(), "counted from the store: the article there before is not new");
        assertEquals(3, summary.totalArticles());
        assertFalse(summary.finishedAt().isBefore(summary.startedAt()));
        assertEquals(Duration.between(summary.startedAt(), summary.finishedAt()).toMillis() / 1000.0, summary.durationSeconds());
        assertEquals(Optional.of(summary), cut.lastRun());
        assertFalse(cut.inProgress());
        assertEquals(1, cut.completedRuns());
        assertEquals(List.of(summary.finishedAt()), cluster.refreshes, "the cluster hears of it");
        assertTrue(cut.refreshedOnce());
        assertEquals(summary.finishedAt().getEpochSecond(), metrics.gauge("newsstream_ingestion_last_success_epoch_seconds"));
        assertEquals(summary.durationSeconds(), metrics.gauge("newsstream_ingestion_duration_seconds"));
        assertTrue(cut.start("manual", RefreshListener.NONE).isPresent(), "the next refresh may start");
    }

    @Test
    void aFailedFetchIsReportedByTheKindOfItsRootCauseOnly() throws Exception {
        Source a = source("A", "http://a.example/rss"), b = source("B", "http://b.example/rss");
        catalog.sources = List.of(a, b);
        cut.scheduleOn(scheduler);
        List<SourceResult> results = new CopyOnWriteArrayList<>();
        cut.start("manual", new RefreshListener() {
            @Override
            public void sourceDone(SourceResult result, int processed, int failed) {
                results.add(result);
            }
        });
        fetches.asked.get("A").completeExceptionally(new UncheckedIOException(new IOException("what the server said")));
        fetches.asked.get("B").completeExceptionally(new IllegalStateException("plain"));

        assertEquals("fetch failed (IOException)", results.get(0).stat().errorMessage());
        assertEquals(FeedStatus.ERROR, results.get(0).stat().status());
        assertEquals(List.of(), results.get(0).articles());
        assertEquals("A", results.get(0).stat().name());
        assertEquals("fetch failed (IllegalStateException)", results.get(1).stat().errorMessage());
        assertEquals(2, cut.lastRun().orElseThrow().failedSources());
    }

    @Test
    void aSourceThatMayNotBeFetchedIsReportedAtOnceFromItsLastOutcome() throws Exception {
        Source paused = source("Paused", "http://paused.example/rss"), due = source("Due", "http://due.example/rss");
        catalog.sources = List.of(due, paused);
        cut.scheduleOn(scheduler);
        memory.record(paused, Instant.now().minusSeconds(3600), article(paused, "kept"));
        pauses.retryAfter("paused.example", "Paused", Duration.ofMinutes(5), Instant.now());
        List<SourceResult> results = new CopyOnWriteArrayList<>();
        cut.start("manual", new RefreshListener() {
            @Override
            public void sourceDone(SourceResult result, int processed, int failed) {
                results.add(result);
            }
        });

        assertEquals(List.of("Due"), fetches.order, "the paused host's source is not fetched");
        assertEquals(1, results.size(), "reported before any fetch ends");
        SourceResult skipped = results.get(0);
        assertEquals(Deferral.HOST_PAUSE, skipped.deferred().reason());
        assertEquals(List.of("kept"), skipped.articles().stream().map(Article::title).toList());
        assertEquals(FeedStatus.SUCCESS, skipped.stat().status(), "its last outcome");
        fetches.asked.get("Due").complete(result(due, FeedStatus.SUCCESS));
        RefreshSummary summary = cut.lastRun().orElseThrow();
        assertEquals(2, summary.totalSources());
        assertEquals(1, summary.sourcesSkipped());
        assertEquals(1, summary.successfulSources());
        assertEquals(0, summary.failedSources());
    }

    @Test
    void aFetchThatCannotBeAskedForCountsAsFailedAndTheRefreshStillEnds() throws Exception {
        Source a = source("A", "http://a.example/rss");
        catalog.sources = List.of(a);
        cut.scheduleOn(scheduler);
        fetches.refuse = new IllegalStateException("no");
        cut.start("manual", listener);
        assertEquals(List.of("A ERROR 1/1", "completed"), listener.reports);
        assertFalse(cut.inProgress());
    }

    @Test
    void noSourcesMakeAnEmptyRefreshThatEndsAtOnce() throws Exception {
        cut.scheduleOn(scheduler);
        cut.start("manual", listener);
        assertEquals(List.of("completed"), listener.reports);
        assertEquals(0, listener.summaries.get(0).totalSources());
        assertEquals(1, cut.completedRuns());
    }

    @Test
    void aTickSpreadsEachHostsDueSourcesOverTheSpreadCappedByTheInterval() throws Exception {
        Source a1 = source("A1", "http://a.example/1"), a2 = source("A2", "http://a.example:8080/2");
        Source b = source("B", "http://b.example/rss");
        catalog.sources = List.of(a1, a2, b);
        polite.hostSpread = Duration.ofHours(2); // capped at 8/10 of the interval: the second of a host waits 0.4 s
        settings.interval = Duration.ofSeconds(1);
        settings.initialDelay = Duration.ofMillis(1);
        cut.scheduleOn(scheduler);

        Wait.until(() -> fetches.order.size() >= 2, PATIENCE, () -> "fetched: " + fetches.order);
        long firstTwo = System.nanoTime();
        assertEquals(List.of("A1", "B"), fetches.order, "the first of each host at once, the port makes no other host");
        Wait.until(() -> fetches.order.size() == 3, PATIENCE, () -> "fetched: " + fetches.order);
        long waited = (System.nanoTime() - firstTwo) / 1_000_000;
        assertEquals("A2", fetches.order.get(2));
        assertTrue(waited >= 250, "A2 came " + waited + " ms after the first (expected ~400)");
        assertEquals("interval", runTrigger());
    }

    private String runTrigger() {
        catalog.sources.forEach(s -> fetches.asked.get(s.name()).complete(result(s, FeedStatus.SUCCESS)));
        return cut.lastRun().map(RefreshSummary::trigger).orElse(null);
    }

    @Test
    void aTickOnAnInstanceThatDoesNotLeadStartsNothing() throws Exception {
        catalog.sources = List.of(source("A", "http://a.example/rss"));
        cluster.leading = false;
        settings.initialDelay = Duration.ofMillis(1);
        settings.interval = Duration.ofMillis(20);
        cut.scheduleOn(scheduler);
        Wait.until(() -> cluster.asked.get() >= 3, PATIENCE, () -> "ticks: " + cluster.asked.get());
        assertEquals(List.of(), fetches.order);
        assertFalse(cut.inProgress());

        cluster.leading = true;
        Wait.until(() -> fetches.order.size() == 1, PATIENCE, () -> "fetched: " + fetches.order);
        int ticks = cluster.asked.get();
        Wait.until(() -> cluster.asked.get() >= ticks + 3, PATIENCE, () -> "ticks: " + cluster.asked.get());
        assertEquals(1, fetches.order.size(), "ticks while the refresh runs start none");
    }

    @Test
    void disabledIngestionSchedulesNothingButStillReportsItsGauges() {
        settings.enabled = false;
        cut.scheduleOn(scheduler);
        assertTrue(scheduler.getQueue().isEmpty(), "nothing scheduled");
        assertEquals(0, metrics.gauge("newsstream_ingestion_duration_seconds"));
        assertEquals(0, metrics.gauge("newsstream_ingestion_last_success_epoch_seconds"));
        cut.stop();
        assertFalse(cut.refreshedOnce());
        cluster.refreshed(Instant.now());
        assertTrue(cut.refreshedOnce(), "a refresh elsewhere in the cluster counts");
    }

    @Test
    void stoppingEndsTheTicksAndCancelsWhatTheRunStillWaitsFor() throws Exception {
        Source a1 = source("A1", "http://a.example/1"), a2 = source("A2", "http://a.example/2");
        catalog.sources = List.of(a1, a2);
        polite.hostSpread = Duration.ofMinutes(2);
        settings.interval = Duration.ofMinutes(10);
        settings.initialDelay = Duration.ofMillis(1);
        cut.scheduleOn(scheduler);
        Wait.until(() -> fetches.order.size() == 1, PATIENCE, () -> "fetched: " + fetches.order);
        Wait.until(() -> scheduler.getQueue().size() == 2, PATIENCE, () -> "scheduled: " + scheduler.getQueue());

        cut.stop();

        assertTrue(fetches.asked.get("A1").isCancelled(), "the running fetch is cancelled");
        assertTrue(scheduler.getQueue().isEmpty(), "the spread start and the ticker are cancelled: " + scheduler.getQueue());
        assertNull(fetches.asked.get("A2"));
    }
}
