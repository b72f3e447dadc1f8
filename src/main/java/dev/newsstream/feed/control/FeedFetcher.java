package dev.newsstream.feed.control;

import static dev.newsstream.config.control.Durations.human;

import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.FetchOutcome.FailureReason;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Fetches one feed URL within hard bounds, whatever the server does: a connect timeout, a total
 * deadline over headers <em>and</em> body (JDK 17's request timeout stops at the headers), a byte cap
 * after decompression and a redirect cap. {@link #fetchAsync} holds no thread while the network is waited for
 * and is what sources are read with; cancelling it aborts the exchange at once and closes its connection.
 */
@ApplicationScoped
public class FeedFetcher {

    static final String ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
            + "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";

    @Inject
    FetchLimits limits;

    /** Runs the client's own callbacks; a pool of its own so saturated fetch tasks can never starve them. */
    @Resource(lookup = "concurrent/newsstream/http")
    ExecutorService httpCallbacks;

    /** Name lookups, bounded by each fetch's deadline: see {@link HostResolver} for why not the client's own. */
    @Resource(lookup = "concurrent/newsstream/resolver")
    ExecutorService resolverPool;

    /**
     * Ends each fetch at its deadline, headers and body: JDK 17's request timeout stops at the headers, and
     * {@code orTimeout}'s timer is a thread outside the container.
     */
    @Resource(lookup = "concurrent/newsstream/scheduler")
    ScheduledExecutorService deadlines;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.internal-networks", defaultValue = InternalNetworks.DEFAULT)
    String internalNetworkList;

    private HttpClient client;
    HostResolver resolver;
    InternalNetworks internal;

    @PostConstruct
    void createClient() {
        internal = InternalNetworks.parse(internalNetworkList);
        resolver = new HostResolver(resolverPool, InetAddress::getAllByName);
        // HTTP/1.1 only: an aborted exchange then closes its own socket, which is what frees a hostile server's slot;
        // with HTTP/2 it would only reset a stream on a shared connection.
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(limits.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpCallbacks)
                .build();
    }

    /**
     * Fetches {@code url} holding no thread while it waits (see {@link FeedExchange}): the future completes with
     * an outcome by the deadline; cancelling it aborts the exchange and closes its connection.
     */
    public CompletableFuture<FetchOutcome> fetchAsync(URI url, ConditionalHeaders conditional) {
        return new FeedExchange(this, url, conditional).start(deadlines);
    }

    /**
     * The same, blocking the calling thread until the outcome (at most the deadline); an interrupt aborts the
     * exchange at once. For the OPML import, which checks one feed at a time per job and gains nothing from
     * giving its thread back.
     */
    public FetchOutcome fetch(URI url, ConditionalHeaders conditional) throws InterruptedException {
        CompletableFuture<FetchOutcome> outcome = fetchAsync(url, conditional);
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            outcome.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("fetch of " + url + " failed unexpectedly", e.getCause());
        }
    }

    CompletableFuture<HttpResponse<byte[]>> send(URI url, ConditionalHeaders conditional, Duration left) {
        return client.sendAsync(request(url, conditional, left), this::subscriberFor);
    }

    private HttpRequest request(URI url, ConditionalHeaders conditional, Duration left) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .GET()
                .timeout(left)
                .header("User-Agent", limits.userAgent())
                .header("Accept", ACCEPT)
                .header("Accept-Encoding", "gzip, deflate");
        if (conditional.etag() != null) builder.header("If-None-Match", conditional.etag());
        if (conditional.lastModified() != null) builder.header("If-Modified-Since", conditional.lastModified());
        return builder.build();
    }

    /** Only a 2xx body is worth reading; for anything else the connection is dropped as soon as the headers are in. */
    private BodySubscriber<byte[]> subscriberFor(HttpResponse.ResponseInfo info) {
        boolean success = info.statusCode() >= 200 && info.statusCode() < 300;
        return success ? CappedBodySubscriber.upTo(limits.maxBytes()) : CappedBodySubscriber.dropping();
    }

    FetchOutcome outcome(URI url, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        HttpHeaders headers = response.headers();
        // capped here, so an absurd validator never reaches memory, the database or the next request
        String etag = FeedTextLimits.etag(headers.firstValue("ETag").orElse(null));
        String lastModified = FeedTextLimits.lastModified(headers.firstValue("Last-Modified").orElse(null));
        Duration maxAge = FeedHints.maxAge(headers.firstValue("Cache-Control").orElse(null));
        if (status == 304) return FetchOutcome.notModified(url, etag, lastModified).withMaxAge(maxAge);
        if (BotWall.isWallStatus(status)) {
            return FetchOutcome.failed(url, status, FailureReason.BLOCKED, BotWall.describe(status), null);
        }
        if (status >= 300) {
            Duration retryAfter = (status == 429 || status == 503)
                    ? RetryAfter.parse(headers.firstValue("Retry-After").orElse(null), Instant.now()) : null;
            return FetchOutcome.failed(url, status, FailureReason.HTTP_STATUS, HttpStatusText.describe(status), retryAfter);
        }
        try {
            byte[] body = BodyDecoder.decode(response.body(), headers.firstValue("Content-Encoding").orElse(null),
                    limits.maxBytes());
            return FetchOutcome.ok(url, status, body, headers.firstValue("Content-Type").orElse(null), etag, lastModified)
                    .withMaxAge(maxAge);
        } catch (BodyDecoder.TooLargeException e) {
            return tooLarge(url);
        } catch (IOException e) {
            return FetchOutcome.failed(url, status, FailureReason.NETWORK, "could not decode body: " + e.getMessage(), null);
        }
    }

    FetchOutcome failure(URI url, Throwable cause) {
        if (cause instanceof CappedBodySubscriber.BodyTooLargeException) return tooLarge(url);
        if (cause instanceof HttpConnectTimeoutException) {
            return FetchOutcome.failed(url, FailureReason.TIMEOUT, "could not connect within " + human(limits.connectTimeout()));
        }
        if (cause instanceof HttpTimeoutException) return timedOut(url);
        if (cause instanceof ConnectException) {
            return FetchOutcome.failed(url, FailureReason.NETWORK, "connection refused" + detail(cause));
        }
        if (cause instanceof UnresolvedAddressException || hasCause(cause, UnresolvedAddressException.class)) {
            return FetchOutcome.failed(url, FailureReason.NETWORK, "unknown host " + url.getHost());
        }
        if (cause instanceof SSLException) {
            return FetchOutcome.failed(url, FailureReason.NETWORK, "TLS handshake failed" + detail(cause));
        }
        if (cause instanceof IllegalArgumentException) {
            return FetchOutcome.failed(url, FailureReason.NETWORK, "invalid request: " + cause.getMessage());
        }
        return FetchOutcome.failed(url, FailureReason.NETWORK, "network error" + detail(cause));
    }

    FetchOutcome timedOut(URI url) {
        return FetchOutcome.failed(url, FailureReason.TIMEOUT, "timed out after " + human(limits.totalTimeout()));
    }

    private FetchOutcome tooLarge(URI url) {
        return FetchOutcome.failed(url, FailureReason.TOO_LARGE, "response larger than " + limits.maxBytesHuman());
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static URI redirectTarget(URI from, HttpHeaders headers) {
        try {
            URI next = from.resolve(headers.firstValue("Location").orElse("").trim());
            String scheme = next.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && next.getHost() != null
                    ? next : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String detail(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? " (" + t.getClass().getSimpleName() + ")" : ": " + message;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }
}
