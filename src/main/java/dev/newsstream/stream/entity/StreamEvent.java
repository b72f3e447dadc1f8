package dev.newsstream.stream.entity;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.SourceStat;
import java.time.Instant;
import java.util.List;

/**
 * The frames of the stream protocol, one record each. Every frame's JSON has a {@code status} that
 * is also the SSE event name, so both {@code fetch()} readers and {@code EventSource} listeners work.
 */
public sealed interface StreamEvent {

    String status();

    record Starting(String status, String streamId, String message, Instant timestamp, int activeStreams)
            implements StreamEvent {
        public Starting(String streamId, String message, int activeStreams) {
            this("starting", streamId, message, Instant.now(), activeStreams);
        }
    }

    /** {@code deferred} (null when fetched): the source was answered from its last outcome, and why and until when. */
    record SourceComplete(String status, String streamId, String source, List<Article> articles,
                          SourceStat sourceStat, Progress progress, Instant timestamp, Deferral deferred)
            implements StreamEvent {
        public SourceComplete(String streamId, String source, List<Article> articles, SourceStat stat, Progress progress) {
            this(streamId, source, articles, stat, progress, null);
        }

        public SourceComplete(String streamId, String source, List<Article> articles, SourceStat stat, Progress progress,
                              Deferral deferred) {
            this("source_complete", streamId, source, articles, stat, progress, Instant.now(), deferred);
        }
    }

    record SourceError(String status, String streamId, String source, String error, Progress progress,
                       Instant timestamp) implements StreamEvent {
        public SourceError(String streamId, String source, String error, Progress progress) {
            this("source_error", streamId, source, error, progress, Instant.now());
        }
    }

    /** {@code cache_age_seconds} is set only when the stream was answered from a fresh cache. */
    record Complete(String status, String streamId, String message, int totalArticles, int successfulSources,
                    int failedSources, Progress progress, Instant timestamp, long durationMs, Double cacheAgeSeconds)
            implements StreamEvent {
        public Complete(String streamId, String message, int totalArticles, int successful, int failed,
                        Progress progress, long durationMs, Double cacheAgeSeconds) {
            this("complete", streamId, message, totalArticles, successful, failed, progress, Instant.now(), durationMs,
                    cacheAgeSeconds);
        }
    }

    /**
     * What the cache already holds for the stream's category, sent before anything is fetched. It names
     * no stream: every stream opened while the cache stays the same gets the very same bytes, serialised
     * once (the stream id is in the {@code X-Stream-ID} header and in every other frame).
     */
    record Initial(String status, List<Article> articles, List<SourceStat> sourceStats,
                   Double cacheAgeSeconds, String message, Instant timestamp) implements StreamEvent {
        public Initial(List<Article> articles, List<SourceStat> stats, Double cacheAgeSeconds) {
            this("initial", articles, stats, cacheAgeSeconds, articles.size() + " cached articles", Instant.now());
        }
    }

    /** One article that arrived after the stream began (live mode, and resumes). */
    record ArticleArrived(String status, Article article) implements StreamEvent {
        public ArticleArrived(Article article) {
            this("article", article);
        }
    }

    /** The client's Last-Event-ID cannot be resumed from: it must drop what it has; a full initial follows. */
    record Resync(String status, String streamId, String message, Instant timestamp) implements StreamEvent {
        public Resync(String streamId, String message) {
            this("resync", streamId, message, Instant.now());
        }
    }

    /** Something unexpected ended the stream. */
    record Failure(String status, String streamId, String error, Instant timestamp) implements StreamEvent {
        public Failure(String streamId, String error) {
            this("error", streamId, error, Instant.now());
        }
    }

    /** The answer to a stream over the cap: one frame, then the stream ends. */
    record Rejected(String status, String message, Instant timestamp) implements StreamEvent {
        public Rejected(String message) {
            this("error", message, Instant.now());
        }
    }
}
