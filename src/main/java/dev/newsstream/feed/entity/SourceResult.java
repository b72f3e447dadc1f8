package dev.newsstream.feed.entity;

import java.util.List;

/**
 * One source read to the end: its articles (newest first) and how it went. {@code deferred} is set when
 * the source was not fetched at all because it may not be yet (back-off, host pause, feed hint): then the
 * stat is its last outcome and {@code deferred} says why and until when.
 */
public record SourceResult(Source source, List<Article> articles, SourceStat stat, Deferral deferred) {
    public SourceResult {
        articles = List.copyOf(articles);
    }

    public SourceResult(Source source, List<Article> articles, SourceStat stat) {
        this(source, articles, stat, null);
    }

    public boolean failed() {
        return stat.status() == FeedStatus.ERROR;
    }

    public boolean skipped() {
        return deferred != null;
    }
}
