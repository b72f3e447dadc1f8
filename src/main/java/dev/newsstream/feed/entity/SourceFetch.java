package dev.newsstream.feed.entity;

import java.time.Duration;
import java.util.List;

/**
 * One source read to the end: the articles it gave (a 304 gives none: the cached ones stay), how each
 * URL went, and how long the server asked us to stay away ({@code Retry-After}), if it did.
 */
public record SourceFetch(Source source, List<Article> articles, SourceStat stat, List<UrlReport> urls,
                          List<Article> sample, Duration retryAfter) {

    public boolean failed() {
        return stat.status() == FeedStatus.ERROR;
    }
}
