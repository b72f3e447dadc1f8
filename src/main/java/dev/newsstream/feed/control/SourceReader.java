package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads one source: fetches each of its URLs, parses what came back and sums it up as a
 * {@code source_stat}. Blocks at most one fetch deadline per URL and answers an interrupt at once.
 */
@ApplicationScoped
public class SourceReader {

    @Inject
    FeedFetcher fetcher;

    @Inject
    FeedParser parser;

    public SourceResult read(Source source) throws InterruptedException {
        long started = System.nanoTime();
        Instant checkedAt = Instant.now();
        List<Article> articles = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean several = source.urls().size() > 1;
        for (URI url : source.urls()) {
            String prefix = several ? url + ": " : "";
            FetchOutcome outcome = fetcher.fetch(url, ConditionalHeaders.NONE);
            if (outcome.failed()) {
                errors.add(prefix + outcome.error());
                continue;
            }
            try {
                ParsedFeed feed = parser.parse(outcome.body(), outcome.contentType(), outcome.url(), source, checkedAt);
                articles.addAll(feed.articles());
                feed.problems().forEach(p -> warnings.add(prefix + p));
            } catch (FeedParseException e) {
                errors.add(prefix + e.getMessage());
            }
        }
        articles.sort(Comparator.comparing(Article::published).reversed());
        double seconds = (System.nanoTime() - started) / 1e9;
        return new SourceResult(source, articles, stat(source, articles.size(), errors, warnings, checkedAt, seconds));
    }

    /** A source is in error only when nothing could be read; a partial read is a warning. */
    private static SourceStat stat(Source source, int count, List<String> errors, List<String> warnings,
                                   Instant checkedAt, double seconds) {
        List<String> problems = new ArrayList<>(errors);
        problems.addAll(warnings);
        FeedStatus status = !errors.isEmpty() && count == 0 ? FeedStatus.ERROR
                : problems.isEmpty() ? FeedStatus.SUCCESS : FeedStatus.WARNING;
        String message = problems.isEmpty() ? null : String.join("; ", problems);
        return SourceStat.of(source, status, count, message, checkedAt, seconds);
    }
}
