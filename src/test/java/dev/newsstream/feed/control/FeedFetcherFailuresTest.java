package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.FetchOutcome.FailureReason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** What each way an exchange can throw becomes: a reason (the metric's label) and a text naming the cause. */
class FeedFetcherFailuresTest {

    private static final URI URL = URI.create("http://a.example/rss");

    private final FeedFetcher cut = new FeedFetcher();

    FeedFetcherFailuresTest() {
        cut.limits = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(20), 1024 * 1024, 5, "test");
    }

    private String failure(Throwable cause, FailureReason reason) {
        FetchOutcome outcome = cut.failure(URL, cause);
        assertEquals(FetchOutcome.Kind.FAILED, outcome.kind());
        assertEquals(reason, outcome.reason(), outcome.error());
        assertEquals(URL, outcome.url());
        return outcome.error();
    }

    @Test
    void eachCauseHasItsReasonAndText() {
        assertEquals("could not connect within 5 s", failure(new HttpConnectTimeoutException("x"), FailureReason.TIMEOUT));
        assertEquals("timed out after 20 s", failure(new HttpTimeoutException("x"), FailureReason.TIMEOUT));
        assertEquals("connection refused: Connection refused",
                failure(new ConnectException("Connection refused"), FailureReason.NETWORK));
        assertEquals("connection refused (ConnectException)", failure(new ConnectException(), FailureReason.NETWORK));
        assertEquals("unknown host a.example", failure(new UnresolvedAddressException(), FailureReason.NETWORK));
        assertEquals("unknown host a.example",
                failure(new IOException("wrapped", new UnresolvedAddressException()), FailureReason.NETWORK));
        assertEquals("TLS handshake failed: bad certificate",
                failure(new SSLHandshakeException("bad certificate"), FailureReason.NETWORK));
        assertEquals("invalid request: bad header", failure(new IllegalArgumentException("bad header"), FailureReason.NETWORK));
        assertEquals("network error (IOException)", failure(new IOException(" "), FailureReason.NETWORK));
        assertEquals("network error: reset", failure(new IOException("reset", new IOException("deeper")), FailureReason.NETWORK));
    }

    @Test
    void aRedirectGoesOnlyToAnHttpOrHttpsUrlWithAHost() {
        assertEquals(URI.create("http://a.example/moved"), FeedFetcher.redirectTarget(URL, headers("/moved")));
        assertEquals(URI.create("https://b.example/x"), FeedFetcher.redirectTarget(URL, headers(" HTTPS://b.example/x ")));
        assertNull(FeedFetcher.redirectTarget(URL, headers("ftp://b.example/x")));
        assertNull(FeedFetcher.redirectTarget(URL, headers("http:///nohost")));
        assertNull(FeedFetcher.redirectTarget(URL, headers("http://bad host/")));
        assertEquals(List.of(true, true, true, true, true, false, false),
                List.of(301, 302, 303, 307, 308, 304, 200).stream().map(FeedFetcher::isRedirect).toList());
    }

    private static HttpHeaders headers(String location) {
        return HttpHeaders.of(Map.of("Location", List.of(location)), (a, b) -> true);
    }
}
