package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.SourceStat;
import java.util.List;

/**
 * What the cache holds for a set of sources: their newest articles, their stats, and how old the
 * oldest check among them is. Fresh means every source was checked within the freshness window and
 * there is something to show: an empty cache never counts as fresh.
 */
public record CacheSnapshot(List<Article> articles, int totalArticles, List<SourceStat> stats, Double ageSeconds,
                            boolean fresh) {

    public int successfulSources() {
        return (int) stats.stream().filter(s -> s.status().answered()).count();
    }

    public int failedSources() {
        return (int) stats.stream().filter(s -> s.status() == FeedStatus.ERROR).count();
    }
}
