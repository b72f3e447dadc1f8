package dev.newsstream.feed.entity;

import java.util.List;

/** One source read to the end: its articles (newest first) and how it went. */
public record SourceResult(Source source, List<Article> articles, SourceStat stat) {
    public SourceResult {
        articles = List.copyOf(articles);
    }

    public boolean failed() {
        return stat.status() == FeedStatus.ERROR;
    }
}
