package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.SourceStat;
import java.time.Instant;

/**
 * What the service remembers about fetching one source: its last {@code source_stat}, the failure
 * streak that drives back-off, when the background refresh may try it next, and its last success.
 */
public record SourceState(SourceStat stat, int consecutiveFailures, Instant nextAttemptAt, Instant lastSuccessAt) implements java.io.Serializable {

    public static SourceState never(SourceStat pending) {
        return new SourceState(pending, 0, null, null);
    }

    public boolean dueAt(Instant now) {
        return nextAttemptAt == null || !now.isBefore(nextAttemptAt);
    }
}
