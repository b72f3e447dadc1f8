package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Reads one source: fetches each of its URLs (conditionally, when validators are known), parses what
 * came back and sums it up as a {@code source_stat} ({@link SourceRead}). No thread waits on the network;
 * each URL costs at most one fetch deadline.
 */
@ApplicationScoped
public class SourceReader {

    static final int SAMPLE_SIZE = 10;

    @Inject
    FeedFetcher fetcher;

    @Inject
    FeedParser parser;

    private final RepeatedAnswers repeated = new RepeatedAnswers();

    /** Parses what each URL answered: a task per answer, so {@code cancel(true)} interrupts a running parse. */
    @Resource(lookup = "concurrent/newsstream/feeds")
    ExecutorService parsers;

    /**
     * Reads {@code source} holding no thread while its URLs are fetched (one after another) and parsing each
     * answer on the feed executor. Cancelling the future cancels the exchange or the parse that is current.
     *
     * @param validators what to send as If-None-Match / If-Modified-Since, by configured URL
     * @param progress   hears each URL's exchange begin and end and each parse (liveness and /debug/executor)
     */
    public CompletableFuture<SourceFetch> read(Source source, Function<URI, ConditionalHeaders> validators,
                                               ReadProgress progress) {
        return new SourceRead(fetcher, parser, repeated, parsers, source, validators, progress).fetchNext();
    }

    static UrlReport report(URI configured, FetchOutcome outcome, ParsedFeed feed, List<String> problems,
                                    String error) {
        return new UrlReport(outcome.url().toString(), outcome.kind().name(), outcome.httpStatus(), outcome.etag(),
                outcome.lastModified(), feed == null ? null : feed.title(), feed == null ? null : feed.link(),
                feed == null ? 0 : feed.articles().size(), problems, error, outcome.reason(), configured.toString());
    }

    /** A source is in error only when nothing could be read; a partial read is a warning. */
    static SourceStat stat(Source source, int count, boolean someNotModified, List<String> errors,
                                   List<String> warnings, Instant checkedAt, double seconds) {
        List<String> problems = new ArrayList<>(errors);
        problems.addAll(warnings);
        boolean nothingRead = count == 0 && !someNotModified;
        FeedStatus status = !errors.isEmpty() && nothingRead ? FeedStatus.ERROR
                : problems.isEmpty() ? FeedStatus.SUCCESS : FeedStatus.WARNING;
        String message = problems.isEmpty() ? null
                : FeedTextLimits.cut(String.join("; ", problems), FeedTextLimits.ERROR_MESSAGE);
        return SourceStat.of(source, status, count, message, checkedAt, seconds);
    }
}
