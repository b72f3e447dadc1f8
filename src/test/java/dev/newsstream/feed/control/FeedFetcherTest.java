package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.FetchOutcome.FailureReason;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous fetch against the fixture feed server over real HTTP, on plain executors standing in for
 * the container's: the deadline over a body that trickles, a cancel that closes the connection, redirects, the
 * byte cap, and many fetches waiting at once on one thread of each pool.
 */
class FeedFetcherTest {

    static final Duration DEADLINE = Duration.ofMillis(1500);

    final FixtureFeedServer server = FixtureFeedServer.start();
    // one thread each: whatever waits on the network must not need one
    final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    final ExecutorService resolver = Executors.newSingleThreadExecutor();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        server.close();
        callbacks.shutdownNow();
        resolver.shutdownNow();
        scheduler.shutdownNow();
    }

    FeedFetcher fetcher(long maxBytes, int maxRedirects) {
        FeedFetcher fetcher = new FeedFetcher();
        fetcher.limits = new FetchLimits(Duration.ofSeconds(2), DEADLINE, maxBytes, maxRedirects, "newsstream-test");
        fetcher.httpCallbacks = callbacks;
        fetcher.resolverPool = resolver;
        fetcher.deadlines = scheduler;
        fetcher.internalNetworkList = InternalNetworks.DEFAULT;
        fetcher.createClient();
        return fetcher;
    }

    FeedFetcher fetcher() {
        return fetcher(1024 * 1024, 5);
    }

    static FetchOutcome outcome(CompletableFuture<FetchOutcome> fetch) throws Exception {
        return fetch.get(DEADLINE.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aFeedIsFetchedAndDecoded() throws Exception {
        FetchOutcome ok = outcome(fetcher().fetchAsync(server.url("/gzip/alpha.xml"), ConditionalHeaders.NONE));
        assertEquals(FetchOutcome.Kind.OK, ok.kind(), ok.error());
        assertTrue(new String(ok.body(), java.nio.charset.StandardCharsets.UTF_8).contains("alpha story 1"));
        FetchOutcome blocking = fetcher().fetch(server.url("/rss/beta.xml"), ConditionalHeaders.NONE);
        assertEquals(FetchOutcome.Kind.OK, blocking.kind(), "the blocking form still answers: " + blocking.error());
    }

    @Test
    void theDeadlineEndsABodyThatTricklesAndClosesItsConnection() throws Exception {
        long started = System.nanoTime();
        FetchOutcome late = outcome(fetcher().fetchAsync(server.url("/trickle/slow"), ConditionalHeaders.NONE));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(FailureReason.TIMEOUT, late.reason(), late.error());
        assertTrue(late.error().contains("timed out after"), late.error());
        assertTrue(took.compareTo(DEADLINE.plusSeconds(2)) < 0, "the headers came at once; the body's deadline took " + took);
        assertTrue(server.awaitNoOpenConnections("/trickle/slow", Duration.ofSeconds(5)), "the trickling connection stays open");
    }

    @Test
    void cancellingTheFetchAbortsTheExchangeAndClosesItsConnection() throws Exception {
        CompletableFuture<FetchOutcome> fetch = fetcher().fetchAsync(server.url("/hang/cancelled"), ConditionalHeaders.NONE);
        Wait.until(() -> server.openConnections("/hang/cancelled") == 1, Duration.ofSeconds(5), () -> "never connected");
        long cancelled = System.nanoTime();
        assertTrue(fetch.cancel(true));
        assertTrue(server.awaitNoOpenConnections("/hang/cancelled", Duration.ofSeconds(1)),
                "the connection was not closed within a second of the cancel");
        System.out.printf("cancelled exchange closed after %d ms%n", (System.nanoTime() - cancelled) / 1_000_000);
    }

    @Test
    void manyFetchesWaitOnTheNetworkAtOnceOnOneThreadOfEachPool() throws Exception {
        FeedFetcher fetcher = fetcher();
        List<CompletableFuture<FetchOutcome>> fetches = new ArrayList<>();
        for (int i = 0; i < 20; i++) fetches.add(fetcher.fetchAsync(server.url("/hang/many-" + i), ConditionalHeaders.NONE));
        Wait.until(() -> server.openConnections("/hang/many-") == 20, Duration.ofSeconds(5),
                () -> server.openConnections("/hang/many-") + " of 20 exchanges open at once");
        for (CompletableFuture<FetchOutcome> fetch : fetches) {
            assertEquals(FailureReason.TIMEOUT, outcome(fetch).reason());
        }
        assertTrue(server.awaitNoOpenConnections("/hang/many-", Duration.ofSeconds(5)));
    }

    @Test
    void redirectsAreFollowedUpToTheCap() throws Exception {
        FetchOutcome followed = outcome(fetcher().fetchAsync(server.url("/redirect/2"), ConditionalHeaders.NONE));
        assertEquals(FetchOutcome.Kind.OK, followed.kind(), followed.error());
        assertTrue(followed.url().getPath().endsWith("/rss/redirected.xml"), followed.url().toString());

        FetchOutcome loop = outcome(fetcher(1024 * 1024, 2).fetchAsync(server.url("/redirect/9"), ConditionalHeaders.NONE));
        assertEquals(FailureReason.REDIRECTS, loop.reason());
        assertEquals("too many redirects (more than 2)", loop.error());
        assertEquals(3, server.requestCount("/redirect/9") + server.requestCount("/redirect/8")
                + server.requestCount("/redirect/7"), "the first hop and two redirects");
        assertEquals(0, server.requestCount("/redirect/6"), "no hop past the cap");
    }

    @Test
    void theByteCapEndsAnEndlessBodyAndABomb() throws Exception {
        FeedFetcher fetcher = fetcher(64 * 1024, 5);
        FetchOutcome endless = outcome(fetcher.fetchAsync(server.url("/endless/cap"), ConditionalHeaders.NONE));
        assertEquals(FailureReason.TOO_LARGE, endless.reason(), endless.error());
        assertEquals("response larger than 64 KiB", endless.error());
        assertTrue(server.awaitNoOpenConnections("/endless/cap", Duration.ofSeconds(5)));

        FetchOutcome bomb = outcome(fetcher.fetchAsync(server.url("/gzip-bomb.xml"), ConditionalHeaders.NONE));
        assertEquals(FailureReason.TOO_LARGE, bomb.reason(), bomb.error());
    }

    @Test
    void failuresAreOutcomes() throws Exception {
        FetchOutcome missing = outcome(fetcher().fetchAsync(server.url("/status/404"), ConditionalHeaders.NONE));
        assertEquals(FailureReason.HTTP_STATUS, missing.reason());
        assertEquals(404, missing.httpStatus());
        FetchOutcome refused = outcome(fetcher().fetchAsync(java.net.URI.create("http://127.0.0.1:1/x"), ConditionalHeaders.NONE));
        assertEquals(FailureReason.NETWORK, refused.reason());
        assertTrue(refused.error().startsWith("connection refused"), refused.error());
    }
}
