package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.SourceStat;
import java.time.Instant;

/**
 * What is known of one source, as {@code /news/sources/stats} and {@code /debug/source} show it: the
 * {@code source_stat} of its last fetch and its schedule (failure streak, next attempt, last success).
 */
public record SourceReport(String name, String url, String category, String country, String fundingType,
                           String biasRating, int articleCount, FeedStatus status, String errorMessage,
                           Instant lastChecked, double processingTimeSeconds, int consecutiveFailures,
                           Instant nextAttemptAt, Instant lastSuccessAt) {
    public static SourceReport of(SourceState state) {
        SourceStat s = state.stat();
        return new SourceReport(s.name(), s.url(), s.category(), s.country(), s.fundingType(), s.biasRating(),
                s.articleCount(), s.status(), s.errorMessage(), s.lastChecked(), s.processingTimeSeconds(),
                state.consecutiveFailures(), state.nextAttemptAt(), state.lastSuccessAt());
    }
}
