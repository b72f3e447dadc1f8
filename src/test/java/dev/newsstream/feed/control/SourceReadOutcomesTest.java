package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How one source's read sums up what each URL answered, without HTTP: a {@link FeedFetcher} whose answers this
 * test scripts, and the real parser on a JDK executor. Not modified, a refusal with Retry-After, a document
 * that does not parse, the prefix naming the URL when there are several, and the ways a read ends in an exception.
 */
class SourceReadOutcomesTest {

    private final ExecutorService parsers = Executors.newSingleThreadExecutor();
    private final Scripted fetcher = new Scripted();

    /** Answers per URL as the test set them; remembers the validators each exchange was handed. */
    static final class Scripted extends FeedFetcher {
        final Map<URI, CompletableFuture<FetchOutcome>> answers = new ConcurrentHashMap<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<FetchOutcome> fetchAsync(URI url, ConditionalHeaders conditional) {
            asked.add(url + " " + conditional);
            CompletableFuture<FetchOutcome> answer = answers.get(url);
            if (answer == null) throw new IllegalStateException("no answer for " + url);
            return answer;
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        parsers.shutdownNow();
        assertTrue(parsers.awaitTermination(10, TimeUnit.SECONDS));
    }

    private SourceReader reader() {
        SourceReader reader = new SourceReader();
        reader.fetcher = fetcher;
        reader.parser = new FeedParser();
        reader.parsers = parsers;
        return reader;
    }

    private static byte[] feed(String name) throws IOException {
        try (InputStream in = SourceReadOutcomesTest.class.getResourceAsStream("/feeds/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Source source(String... urls) {
        return new Source("S", java.util.Arrays.stream(urls).map(URI::create).toList(), "general", "", "", "");
    }

    private void answer(String url, FetchOutcome outcome) {
        fetcher.answers.put(URI.create(url), CompletableFuture.completedFuture(outcome));
    }

    private SourceFetch read(Source source) throws Exception {
        return reader().read(source, url -> new ConditionalHeaders("\"" + url.getPath() + "\"", null), ReadProgress.NONE)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNotModifiedAnswerIsASuccessWithNothingNewAndKeepsTheServersMaxAge() throws Exception {
        URI url = URI.create("http://a.example/rss");
        answer(url.toString(), FetchOutcome.notModified(url, "\"e\"", null).withMaxAge(Duration.ofMinutes(10)));

        SourceFetch fetch = read(source(url.toString()));

        assertEquals(List.of("http://a.example/rss ConditionalHeaders[etag=\"/rss\", lastModified=null]"), fetcher.asked);
        assertEquals(FeedStatus.SUCCESS, fetch.stat().status());
        assertNull(fetch.stat().errorMessage());
        assertEquals(0, fetch.stat().articleCount());
        assertEquals(Duration.ofMinutes(10), fetch.refreshHint());
        assertNull(fetch.retryAfter());
        assertEquals(List.of("NOT_MODIFIED"), fetch.urls().stream().map(u -> u.outcome()).toList());
        assertTrue(fetch.urls().get(0).notModified());
    }

    @Test
    void aRefusalIsTheSourcesErrorWithItsRetryAfterAndNoUrlPrefixWhenAlone() throws Exception {
        URI url = URI.create("http://a.example/rss");
        answer(url.toString(), FetchOutcome.failed(url, 503, FetchOutcome.FailureReason.HTTP_STATUS, "HTTP 503",
                Duration.ofMinutes(2)));

        SourceFetch fetch = read(source(url.toString()));

        assertEquals(FeedStatus.ERROR, fetch.stat().status());
        assertEquals("HTTP 503", fetch.stat().errorMessage());
        assertEquals(Duration.ofMinutes(2), fetch.retryAfter());
        assertNull(fetch.refreshHint());
        assertEquals(FetchOutcome.FailureReason.HTTP_STATUS, fetch.urls().get(0).failureReason());
        assertTrue(fetch.failed());
    }

    @Test
    void aDocumentThatDoesNotParseIsNamedWithItsUrlWhenTheSourceHasSeveral() throws Exception {
        answer("http://a.example/good", FetchOutcome.ok(URI.create("http://a.example/good"), 200, feed("rss2-news.xml"),
                "application/rss+xml", null, null));
        answer("http://a.example/bad", FetchOutcome.ok(URI.create("http://a.example/bad"), 200, feed("malformed.xml"),
                "application/xml", "\"b\"", null));

        SourceFetch fetch = read(source("http://a.example/good", "http://a.example/bad"));

        assertEquals(FeedStatus.WARNING, fetch.stat().status(), "one URL read: a warning, not an error");
        assertTrue(fetch.stat().errorMessage().startsWith("http://a.example/bad: "), fetch.stat().errorMessage());
        assertEquals(List.of("OK", "PARSE_FAILED"), fetch.urls().stream().map(u -> u.outcome()).toList());
        assertEquals(FetchOutcome.FailureReason.PARSE, fetch.urls().get(1).failureReason());
        assertEquals("\"b\"", fetch.urls().get(1).etag());
        assertEquals("http://a.example/bad", fetch.urls().get(1).configuredUrl());
        assertTrue(fetch.articles().size() > 0);
        assertEquals(fetch.articles().size(), fetch.stat().articleCount());
        assertEquals(Math.min(SourceReader.SAMPLE_SIZE, fetch.articles().size()), fetch.sample().size());
    }

    @Test
    void aFailedExchangeEndsTheReadWithItsCause() throws Exception {
        fetcher.answers.put(URI.create("http://a.example/rss"),
                CompletableFuture.failedFuture(new CompletionException(new IOException("reset"))));
        CompletableFuture<SourceFetch> read = reader().read(source("http://a.example/rss"), url -> ConditionalHeaders.NONE,
                ReadProgress.NONE);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> read.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("reset", e.getCause().getMessage());
    }

    @Test
    void aFetcherThatThrowsOrAFullFeedExecutorEndsTheRead() throws Exception {
        CompletableFuture<SourceFetch> unanswered = reader().read(source("http://nowhere.example/"),
                url -> ConditionalHeaders.NONE, ReadProgress.NONE);
        ExecutionException thrown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> unanswered.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, thrown.getCause());

        answer("http://a.example/rss", FetchOutcome.ok(URI.create("http://a.example/rss"), 200, feed("rss2-news.xml"),
                "application/rss+xml", null, null));
        parsers.shutdown();
        CompletableFuture<SourceFetch> refused = reader().read(source("http://a.example/rss"), url -> ConditionalHeaders.NONE,
                ReadProgress.NONE);
        ExecutionException full = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> refused.get(10, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, full.getCause());
    }
}
