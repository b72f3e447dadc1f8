package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.Deferral;
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
                           Instant nextAttemptAt, Instant lastSuccessAt, String nextAttemptReason) {
    public static SourceReport of(SourceState state) {
        return of(state, null);
    }

    /**
     * {@code deferral} (null: the source may be fetched whenever asked) decides the next attempt and why:
     * {@code backoff}, {@code host_pause} or {@code feed_hint}; {@code next_attempt_reason} is null when due.
     */
    public static SourceReport of(SourceState state, Deferral deferral) {
        SourceStat s = state.stat();
        return new SourceReport(s.name(), s.url(), s.category(), s.country(), s.fundingType(), s.biasRating(),
                s.articleCount(), s.status(), s.errorMessage(), s.lastChecked(), s.processingTimeSeconds(),
                state.consecutiveFailures(), deferral == null ? state.nextAttemptAt() : deferral.until(),
                state.lastSuccessAt(), deferral == null ? null : deferral.reason());
    }
}
