package dev.newsstream.feed.entity;

import java.time.Duration;
import java.util.List;

/**
 * One source read to the end: the articles it gave (a 304 gives none: the cached ones stay), how each
 * URL went, how long the server asked us to stay away ({@code Retry-After}), if it did, and how long the feed
 * itself says it stays unchanged ({@code <ttl>}, {@code sy:updatePeriod}, {@code Cache-Control: max-age}), if it does.
 */
public record SourceFetch(Source source, List<Article> articles, SourceStat stat, List<UrlReport> urls,
                          List<Article> sample, Duration retryAfter, Duration refreshHint) {

    public SourceFetch(Source source, List<Article> articles, SourceStat stat, List<UrlReport> urls,
                       List<Article> sample, Duration retryAfter) {
        this(source, articles, stat, urls, sample, retryAfter, null);
    }

    public boolean failed() {
        return stat.status() == FeedStatus.ERROR;
    }
}
