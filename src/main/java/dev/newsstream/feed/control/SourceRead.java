package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One source read without holding a thread while its URLs are fetched: the URLs one after another, each
 * answer parsed in a task of its own on the feed executor (so {@code cancel(true)} interrupts a running
 * parse), the whole summed up as one {@link SourceFetch} exactly as a blocking read would have.
 *
 * <p>Cancelling it cancels what is current: the exchange (aborted, its socket closed) or the parse task
 * (interrupted). Any {@code Throwable} of a parse completes it exceptionally, for the caller to report.
 * Each step runs after the previous one ended, so the accumulated lists need no lock.
 */
final class SourceRead extends CompletableFuture<SourceFetch> {

    private final FeedFetcher fetcher;
    private final FeedParser parser;
    private final RepeatedAnswers repeated;
    private final ExecutorService parsers;
    private final Source source;
    private final Function<URI, ConditionalHeaders> validators;
    private final ReadProgress progress;
    private final long started = System.nanoTime();
    private final Instant checkedAt = Instant.now();
    private final boolean several;
    private final List<Article> articles = new ArrayList<>();
    private final List<UrlReport> reports = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Article> sample = new ArrayList<>();
    private Duration retryAfter;
    private Duration hint;
    private int notModified;
    private int next;
    private volatile Future<?> stage;

    SourceRead(FeedFetcher fetcher, FeedParser parser, RepeatedAnswers repeated, ExecutorService parsers, Source source,
               Function<URI, ConditionalHeaders> validators, ReadProgress progress) {
        this.fetcher = fetcher;
        this.parser = parser;
        this.repeated = repeated;
        this.parsers = parsers;
        this.source = source;
        this.validators = validators;
        this.progress = progress;
        this.several = source.urls().size() > 1;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Future<?> current = stage;
        if (current != null) current.cancel(true);
        return cancelled;
    }

    private void track(Future<?> current) {
        stage = current;
        if (isDone()) current.cancel(true);
    }

    /** Fetches the next URL, or completes with the sum once every URL is read. */
    SourceRead fetchNext() {
        if (isDone()) return this;
        try {
            if (next == source.urls().size()) {
                complete(sum());
                return this;
            }
            URI url = source.urls().get(next++);
            progress.exchangeStarted(url);
            CompletableFuture<FetchOutcome> exchange = fetcher.fetchAsync(url, validators.apply(url));
            track(exchange);
            exchange.whenComplete((outcome, error) -> answered(url, outcome, error));
        } catch (Throwable e) {
            completeExceptionally(e);
        }
        return this;
    }

    private void answered(URI url, FetchOutcome outcome, Throwable error) {
        if (isDone()) return;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!(cause instanceof CancellationException)) completeExceptionally(cause);
            return;
        }
        progress.exchangeEnded();
        try {
            track(parsers.submit(() -> onFeedThread(url, outcome)));
        } catch (Throwable e) { // the feed executor's queue is full
            completeExceptionally(e);
        }
    }

    private void onFeedThread(URI url, FetchOutcome outcome) {
        if (isDone()) return;
        progress.parsing(true);
        try {
            take(url, outcome);
            fetchNext(); // the next URL's exchange starts from here, or the sum is handed on (and recorded) here
        } catch (Throwable e) {
            completeExceptionally(e); // a StackOverflowError of hostile markup, a bug: the caller reports it once
        } finally {
            progress.parsing(false);
        }
    }

    private void take(URI url, FetchOutcome outcome) {
        String prefix = several ? url + ": " : "";
        if (outcome.failed()) {
            String error = FeedTextLimits.error(outcome.error());
            errors.add(prefix + error);
            if (outcome.retryAfter() != null) retryAfter = outcome.retryAfter();
            reports.add(SourceReader.report(url, outcome, null, List.of(), error));
            return;
        }
        hint = FeedHints.longer(hint, outcome.maxAge());
        if (outcome.kind() == FetchOutcome.Kind.NOT_MODIFIED) {
            notModified++;
            reports.add(SourceReader.report(url, outcome, null, List.of(), null));
            return;
        }
        try {
            RepeatedAnswers.Parsed parsed = repeated.parse(parser, outcome.body(), outcome.contentType(), outcome.url(), source,
                    checkedAt);
            ParsedFeed feed = parsed.feed();
            hint = FeedHints.longer(hint, parsed.hint());
            articles.addAll(feed.articles());
            feed.articles().stream().limit(SourceReader.SAMPLE_SIZE - sample.size()).forEach(sample::add);
            feed.problems().forEach(p -> warnings.add(prefix + FeedTextLimits.error(p)));
            reports.add(SourceReader.report(url, outcome, feed, feed.problems(), null));
        } catch (FeedParseException e) {
            boolean wall = BotWall.isWall(outcome.body(), outcome.contentType());
            String error = wall ? "blocked by the server: a login or bot-check page instead of the feed"
                    : FeedTextLimits.error(e.getMessage());
            errors.add(prefix + error);
            reports.add(new UrlReport(outcome.url().toString(), wall ? "BLOCKED" : "PARSE_FAILED",
                    outcome.httpStatus(), outcome.etag(), outcome.lastModified(), null, null, 0, List.of(), error,
                    wall ? FetchOutcome.FailureReason.BLOCKED : FetchOutcome.FailureReason.PARSE, url.toString()));
        }
    }

    private SourceFetch sum() {
        articles.sort(Comparator.comparing(Article::published).reversed());
        double seconds = (System.nanoTime() - started) / 1e9;
        SourceStat stat = SourceReader.stat(source, articles.size(), notModified > 0, errors, warnings, checkedAt, seconds);
        return new SourceFetch(source, articles, stat, reports, sample, retryAfter, hint);
    }
}
