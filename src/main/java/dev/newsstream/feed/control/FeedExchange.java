package dev.newsstream.feed.control;

import static dev.newsstream.config.control.Durations.human;

import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.FetchOutcome.FailureReason;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One URL fetched without holding a thread while it waits: each hop's name lookup (on the resolver pool),
 * its HTTP exchange ({@code sendAsync}) and the redirect decision follow each other as callbacks, and a
 * timer on the managed scheduler ends the whole of it, headers and body, at the deadline.
 *
 * <p>It always completes with an outcome by its deadline (a failure is an outcome too); it completes
 * exceptionally only when cancelled or when a bug throws. Whatever completes it (the answer, the timer, a
 * cancel) cancels what is still current: the lookup's queue slot, or the exchange, whose cancellation aborts
 * it and closes its socket (HTTP/1.1). Why not {@code CompletableFuture.orTimeout}: its timer is a JDK thread
 * outside the container, which this service never uses.
 */
final class FeedExchange extends CompletableFuture<FetchOutcome> {

    private final FeedFetcher fetcher;
    private final ConditionalHeaders conditional;
    private final Instant deadline;
    private volatile URI current;
    private volatile int hop;
    private volatile boolean resolving;
    private boolean configuredInternal;
    /** The lookup or exchange now under way: what a cancel or the deadline must stop. */
    private volatile Future<?> stage;
    private volatile ScheduledFuture<?> timer;

    FeedExchange(FeedFetcher fetcher, URI url, ConditionalHeaders conditional) {
        this.fetcher = fetcher;
        this.current = url;
        this.conditional = conditional;
        this.deadline = Instant.now().plus(fetcher.limits.totalTimeout());
        whenComplete((outcome, error) -> stopWhatIsCurrent());
    }

    /** Arms the deadline on {@code scheduler} and sends the first hop. */
    FeedExchange start(ScheduledExecutorService scheduler) {
        timer = scheduler.schedule(this::deadlinePassed, fetcher.limits.totalTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (isDone()) timer.cancel(false);
        lookUp();
        return this;
    }

    private void stopWhatIsCurrent() {
        ScheduledFuture<?> t = timer;
        if (t != null) t.cancel(false);
        Future<?> s = stage;
        if (s != null && !s.isDone()) s.cancel(true); // an exchange: aborted, its socket closed
    }

    /** Makes {@code next} the current stage; one that starts after this fetch ended is stopped at once. */
    private void track(Future<?> next) {
        stage = next;
        if (isDone()) next.cancel(true);
    }

    private void deadlinePassed() {
        URI url = current;
        complete(resolving ? FetchOutcome.failed(url, FailureReason.TIMEOUT, hop == 0
                ? "host name " + url.getHost() + " not resolved within " + human(fetcher.limits.totalTimeout())
                : "redirect target's host name not resolved in time") : fetcher.timedOut(url));
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private Duration left() {
        return Duration.between(Instant.now(), deadline);
    }

    private void lookUp() {
        if (isDone()) return;
        if (!positive(left())) {
            deadlinePassed();
            return;
        }
        resolving = true;
        CompletableFuture<InetAddress[]> lookup = fetcher.resolver.resolveAsync(current.getHost());
        track(lookup);
        lookup.whenComplete(this::resolved);
    }

    private void resolved(InetAddress[] addresses, Throwable error) {
        if (isDone()) return;
        try {
            URI url = current;
            if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof CancellationException) return;
                if (cause instanceof TimeoutException) {
                    deadlinePassed(); // no resolver thread free in time: as if it never answered
                    return;
                }
                complete(FetchOutcome.failed(url, FailureReason.NETWORK,
                        hop == 0 ? "unknown host " + url.getHost() : "redirect to an unknown host"));
                return;
            }
            InternalNetworks internal = fetcher.internal;
            if (hop == 0) {
                configuredInternal = internal.anyInternal(addresses);
            } else if (!configuredInternal && internal.anyInternal(addresses)) {
                // a public feed server may not point us at loopback, link-local or private addresses
                complete(FetchOutcome.failed(url, FailureReason.REDIRECTS, "redirect to an internal address refused"));
                return;
            }
            Duration left = left();
            if (!positive(left)) {
                deadlinePassed();
                return;
            }
            resolving = false;
            CompletableFuture<HttpResponse<byte[]>> exchange = fetcher.send(url, conditional, left);
            track(exchange); // the future sendAsync returned: cancelling exactly it aborts the exchange
            // the answer is read (headers, decompression up to the byte cap) on the client's callback pool, never on
            // the thread that completed the exchange, which may be the client's selector
            exchange.whenCompleteAsync(this::answered, fetcher.httpCallbacks);
        } catch (Throwable e) {
            completeExceptionally(e);
        }
    }

    private void answered(HttpResponse<byte[]> response, Throwable error) {
        if (isDone()) return;
        try {
            URI url = current;
            if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof CancellationException) return;
                complete(fetcher.failure(url, cause));
                return;
            }
            int status = response.statusCode();
            if (!FeedFetcher.isRedirect(status)) {
                complete(fetcher.outcome(url, response));
                return;
            }
            if (hop >= fetcher.limits.maxRedirects()) {
                complete(FetchOutcome.failed(url, status, FailureReason.REDIRECTS,
                        "too many redirects (more than " + fetcher.limits.maxRedirects() + ")", null));
                return;
            }
            URI next = FeedFetcher.redirectTarget(url, response.headers());
            if (next == null) {
                complete(FetchOutcome.failed(url, status, FailureReason.REDIRECTS,
                        "HTTP " + status + " redirect without a usable http(s) Location", null));
                return;
            }
            current = next;
            hop++;
            lookUp();
        } catch (Throwable e) {
            completeExceptionally(e);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** The URL being fetched now (the last redirect's target). */
    URI current() {
        return current;
    }
}
