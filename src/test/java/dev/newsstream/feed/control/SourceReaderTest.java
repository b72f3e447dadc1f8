package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.Wait;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A source read asynchronously over real HTTP: its URLs in order, each parsed on the "feed" executor, one sum. */
class SourceReaderTest {

    final FixtureFeedServer server = FixtureFeedServer.start();
    final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    final ExecutorService resolver = Executors.newSingleThreadExecutor();
    final ExecutorService parsers = Executors.newSingleThreadExecutor(r -> new Thread(r, "parser"));
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
        callbacks.shutdownNow();
        resolver.shutdownNow();
        parsers.shutdownNow();
        scheduler.shutdownNow();
    }

    SourceReader reader() {
        FeedFetcher fetcher = new FeedFetcher();
        fetcher.limits = new FetchLimits(Duration.ofSeconds(2), Duration.ofSeconds(3), 1024 * 1024, 5, "newsstream-test");
        fetcher.httpCallbacks = callbacks;
        fetcher.resolverPool = resolver;
        fetcher.deadlines = scheduler;
        fetcher.internalNetworkList = InternalNetworks.DEFAULT;
        fetcher.createClient();
        SourceReader reader = new SourceReader();
        reader.fetcher = fetcher;
        reader.parser = new FeedParser();
        reader.parsers = parsers;
        return reader;
    }

    ReadProgress recording() {
        return new ReadProgress() {
            @Override
            public void exchangeStarted(URI url) {
                events.add("exchange " + url.getPath());
            }

            @Override
            public void exchangeEnded() {
                events.add("answered");
            }

            @Override
            public void parsing(boolean onThisThread) {
                events.add((onThisThread ? "parse on " : "parsed on ") + Thread.currentThread().getName());
            }
        };
    }

    @Test
    void everyUrlIsFetchedInTurnParsedOnTheFeedExecutorAndSummedUp() throws Exception {
        Source source = new Source("Merged", List.of(server.url("/rss/one.xml"), server.url("/status/500"),
                server.url("/atom/two.xml")), "general", "", "", "");
        SourceFetch fetch = reader().read(source, url -> ConditionalHeaders.NONE, recording()).get(20, TimeUnit.SECONDS);

        assertEquals(3, fetch.urls().size());
        assertEquals(List.of("OK", "FAILED", "OK"), fetch.urls().stream().map(u -> u.outcome()).toList());
        assertEquals(FeedStatus.WARNING, fetch.stat().status(), "a partial read is a warning");
        assertTrue(fetch.stat().errorMessage().contains("/status/500: HTTP 500"), fetch.stat().errorMessage());
        assertEquals(fetch.articles().size(), fetch.stat().articleCount());
        assertTrue(fetch.articles().stream().anyMatch(a -> a.title().startsWith("one story")));
        assertTrue(fetch.articles().stream().anyMatch(a -> a.title().startsWith("two story")),
                fetch.articles().stream().map(a -> a.title()).toList().toString());
        for (int i = 1; i < fetch.articles().size(); i++) {
            assertTrue(!fetch.articles().get(i).published().isAfter(fetch.articles().get(i - 1).published()), "newest first");
        }
        assertEquals(List.of("exchange /rss/one.xml", "exchange /status/500", "exchange /atom/two.xml"),
                events.stream().filter(e -> e.startsWith("exchange")).toList(), "one URL after another");
        assertEquals(List.of("parse on parser", "parse on parser", "parse on parser"),
                events.stream().filter(e -> e.startsWith("parse on")).toList(), "each answer taken on the feed executor");
        assertEquals(3, events.stream().filter(e -> e.equals("answered")).count());
        // each exchange after the first starts from the parse of the one before: never two at once
        assertTrue(events.indexOf("exchange /status/500") > events.indexOf("parse on parser"), events.toString());
    }

    @Test
    void cancellingTheReadAbortsItsExchange() throws Exception {
        Source source = new Source("Hangs", List.of(server.url("/hang/read")), "general", "", "", "");
        CompletableFuture<SourceFetch> read = reader().read(source, url -> ConditionalHeaders.NONE, ReadProgress.NONE);
        Wait.until(() -> server.openConnections("/hang/read") == 1, Duration.ofSeconds(5), () -> "never connected");
        assertTrue(read.cancel(true));
        assertTrue(server.awaitNoOpenConnections("/hang/read", Duration.ofSeconds(1)), "the exchange was not aborted");
    }
}
