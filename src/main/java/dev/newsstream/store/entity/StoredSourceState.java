package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * What is known about fetching one source (table {@code source_state}). The source's descriptive
 * fields (URL, category...) are not stored: they come from the sources file of the running server.
 */
@Entity
@Table(name = "source_state")
public class StoredSourceState {

    @Id
    @Column(name = "source_name")
    private String sourceName;

    @Column(nullable = false)
    private String status;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "article_count", nullable = false)
    private int articleCount;

    @Column(name = "last_checked_at")
    private Long lastCheckedAt;

    @Column(name = "processing_seconds", nullable = false)
    private double processingSeconds;

    @Column(name = "consecutive_failures", nullable = false)
    private int consecutiveFailures;

    @Column(name = "next_attempt_at")
    private Long nextAttemptAt;

    @Column(name = "last_success_at")
    private Long lastSuccessAt;

    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected StoredSourceState() {
        // for JPA
    }

    public StoredSourceState(String sourceName) {
        this.sourceName = sourceName;
    }

    public void update(SourceState state, Instant now) {
        SourceStat stat = state.stat();
        status = stat.status().wire();
        errorMessage = stat.errorMessage();
        articleCount = stat.articleCount();
        lastCheckedAt = millis(stat.lastChecked());
        processingSeconds = stat.processingTimeSeconds();
        consecutiveFailures = state.consecutiveFailures();
        nextAttemptAt = millis(state.nextAttemptAt());
        lastSuccessAt = millis(state.lastSuccessAt());
        updatedAt = now.toEpochMilli();
    }

    /** The state again, described by the source as it is configured now. */
    public SourceState toState(Source source) {
        SourceStat stat = new SourceStat(source.name(), source.firstUrl().toString(), source.category(),
                source.country(), source.fundingType(), source.biasRating(), articleCount, FeedStatus.fromWire(status), errorMessage,
                instant(lastCheckedAt), processingSeconds);
        return new SourceState(stat, consecutiveFailures, instant(nextAttemptAt), instant(lastSuccessAt));
    }

    public String sourceName() {
        return sourceName;
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
