package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.UrlReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads one source: fetches each of its URLs (conditionally, when validators are known), parses what
 * came back and sums it up as a {@code source_stat}. Blocks at most one fetch deadline per URL and
 * answers an interrupt at once.
 */
@ApplicationScoped
public class SourceReader {

    static final int SAMPLE_SIZE = 10;

    @Inject
    FeedFetcher fetcher;

    @Inject
    FeedParser parser;

    /**
     * @param validators      what to send as If-None-Match / If-Modified-Since, by configured URL
     * @param exchangeStarted hears each URL's exchange begin (liveness judges a fetch by its current exchange)
     */
    public SourceFetch read(Source source, Function<URI, ConditionalHeaders> validators, Consumer<URI> exchangeStarted)
            throws InterruptedException {
        long started = System.nanoTime();
        Instant checkedAt = Instant.now();
        List<Article> articles = new ArrayList<>();
        List<UrlReport> reports = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Article> sample = new ArrayList<>();
        Duration retryAfter = null;
        Duration hint = null;
        boolean several = source.urls().size() > 1;
        int notModified = 0;
        for (URI url : source.urls()) {
            String prefix = several ? url + ": " : "";
            exchangeStarted.accept(url);
            FetchOutcome outcome = fetcher.fetch(url, validators.apply(url));
            if (outcome.failed()) {
                String error = FeedTextLimits.error(outcome.error());
                errors.add(prefix + error);
                if (outcome.retryAfter() != null) retryAfter = outcome.retryAfter();
                reports.add(report(url, outcome, null, List.of(), error));
                continue;
            }
            hint = FeedHints.longer(hint, outcome.maxAge());
            if (outcome.kind() == FetchOutcome.Kind.NOT_MODIFIED) {
                notModified++;
                reports.add(report(url, outcome, null, List.of(), null));
                continue;
            }
            try {
                ParsedFeed feed = parser.parse(outcome.body(), outcome.contentType(), outcome.url(), source, checkedAt);
                hint = FeedHints.longer(hint, FeedHints.fromDocument(outcome.body()));
                articles.addAll(feed.articles());
                feed.articles().stream().limit(SAMPLE_SIZE - sample.size()).forEach(sample::add);
                feed.problems().forEach(p -> warnings.add(prefix + FeedTextLimits.error(p)));
                reports.add(report(url, outcome, feed, feed.problems(), null));
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
        articles.sort(Comparator.comparing(Article::published).reversed());
        double seconds = (System.nanoTime() - started) / 1e9;
        SourceStat stat = stat(source, articles.size(), notModified > 0, errors, warnings, checkedAt, seconds);
        return new SourceFetch(source, articles, stat, reports, sample, retryAfter, hint);
    }

    private static UrlReport report(URI configured, FetchOutcome outcome, ParsedFeed feed, List<String> problems,
                                    String error) {
        return new UrlReport(outcome.url().toString(), outcome.kind().name(), outcome.httpStatus(), outcome.etag(),
                outcome.lastModified(), feed == null ? null : feed.title(), feed == null ? null : feed.link(),
                feed == null ? 0 : feed.articles().size(), problems, error, outcome.reason(), configured.toString());
    }

    /** A source is in error only when nothing could be read; a partial read is a warning. */
    private static SourceStat stat(Source source, int count, boolean someNotModified, List<String> errors,
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
