package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.store.entity.SourceState;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each fetch into the store once: validators under the configured URL, back-off after a failure, the next attempt after a success. */
class FetchRecorderTest {

    private static final Source A = new Source("A", List.of(URI.create("http://a.example/rss"), URI.create("http://a.example/2")),
            "general", "US", "", "");

    private final IngestDoubles.Store store = new IngestDoubles.Store();
    private final IngestDoubles.Catalog catalog = new IngestDoubles.Catalog();
    private final IngestSettings settings = new IngestSettings();
    private final FetchRecorder cut = new FetchRecorder();

    FetchRecorderTest() {
        settings.minInterval = Duration.ofSeconds(10);
        settings.backoffBase = Duration.ofHours(1);
        settings.backoffMax = Duration.ofHours(4);
        PoliteSettings polite = new PoliteSettings();
        polite.maxPerHost = 2;
        polite.hostPauseAfter = 2;
        polite.hostPauseMax = Duration.ofHours(24);
        polite.hintMax = Duration.ofHours(1);
        HostPauses pauses = new HostPauses();
        pauses.settings = polite;
        Politeness politeness = new Politeness();
        politeness.settings = polite;
        politeness.ingest = settings;
        politeness.pauses = pauses;
        cut.store = store;
        cut.settings = settings;
        cut.politeness = politeness;
        cut.catalog = catalog;
        catalog.sources = List.of(A);
    }

    private static UrlReport url(String configured, String fetched, String etag, String lastModified,
                                 FetchOutcome.FailureReason failure) {
        return new UrlReport(fetched, failure == null ? "OK" : "ERROR", 200, etag, lastModified, null, null, 0, List.of(),
                null, failure, configured);
    }

    private static Article article(String title) {
        return new Article(title, "http://example.com/" + title, "d", Instant.parse("2026-12-01T10:00:00Z"),
                "A", "general", "US", null, null, null, List.of());
    }

    private static SourceStat stat(FeedStatus status, int count) {
        return SourceStat.of(A, status, count, status == FeedStatus.ERROR ? "broken" : null, Instant.now(), 0.5);
    }

    @Test
    void aSuccessStoresItsArticlesValidatorsUnderTheConfiguredUrlAndWhenToAskNext() {
        Instant before = Instant.now();
        SourceFetch fetch = new SourceFetch(A, List.of(article("one"), article("two")), stat(FeedStatus.SUCCESS, 7),
                List.of(url("http://a.example/rss", "http://cdn.example/rss", "\"e\"", null, null),
                        url("http://a.example/2", "http://a.example/2", null, "Tue, 01 Dec 2026 10:00:00 GMT", null),
                        url("http://a.example/3", "http://a.example/3", null, null, null),
                        url("http://a.example/4", "http://a.example/4", "\"x\"", null, FetchOutcome.FailureReason.TIMEOUT)),
                List.of(), null, Duration.ofMinutes(30));

        SourceResult result = cut.record(fetch);

        assertEquals(2, result.articles().size());
        assertEquals(2, result.stat().articleCount(), "the count is what the store holds, not what the feed said");
        assertEquals("A", result.stat().name());
        assertEquals(Map.of(URI.create("http://a.example/rss"), new ConditionalHeaders("\"e\"", null),
                URI.create("http://a.example/2"), new ConditionalHeaders(null, "Tue, 01 Dec 2026 10:00:00 GMT")), store.validators);
        SourceState state = store.state(A);
        assertEquals(0, state.consecutiveFailures());
        assertEquals(2, state.stat().articleCount());
        assertTrue(!state.lastSuccessAt().isBefore(before));
        Duration next = Duration.between(state.lastSuccessAt(), state.nextAttemptAt());
        assertEquals(Duration.ofMinutes(30), next, "the feed's hint");
    }

    @Test
    void aFailureBacksOffFromThePreviousFailuresAndKeepsTheLastSuccess() {
        Instant lastSuccess = Instant.parse("2026-12-01T08:00:00Z");
        store.states.put("A", new SourceState(stat(FeedStatus.ERROR, 0), 1, null, lastSuccess));
        Instant before = Instant.now();
        SourceFetch fetch = new SourceFetch(A, List.of(), stat(FeedStatus.ERROR, 0),
                List.of(url("http://a.example/rss", "http://a.example/rss", null, null, FetchOutcome.FailureReason.HTTP_STATUS)),
                List.of(), null);

        SourceResult result = cut.record(fetch);

        assertTrue(result.failed());
        assertEquals(List.of(), result.articles());
        assertEquals(List.of("A failed {}"), store.recorded);
        SourceState state = store.state(A);
        assertEquals(2, state.consecutiveFailures());
        assertEquals(lastSuccess, state.lastSuccessAt());
        Duration wait = Duration.between(before, state.nextAttemptAt());
        assertTrue(wait.compareTo(Duration.ofHours(2)) >= 0 && wait.compareTo(Duration.ofHours(2).plusMinutes(1)) < 0,
                "second failure: twice the base, was " + wait);
    }

    @Test
    void aSourceRemovedWhileItWasFetchedIsNotStored() {
        catalog.sources = List.of();
        SourceFetch fetch = new SourceFetch(A, List.of(article("one")), stat(FeedStatus.SUCCESS, 1), List.of(), List.of(), null);
        SourceResult result = cut.record(fetch);
        assertEquals(List.of(), result.articles());
        assertEquals(List.of(), store.recorded);
        assertNull(store.states.get("A"));
    }
}
