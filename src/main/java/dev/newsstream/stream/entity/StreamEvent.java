package dev.newsstream.stream.entity;

import dev.newsstream.feed.entity.Article;
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

    record SourceComplete(String status, String streamId, String source, List<Article> articles,
                          SourceStat sourceStat, Progress progress, Instant timestamp) implements StreamEvent {
        public SourceComplete(String streamId, String source, List<Article> articles, SourceStat stat, Progress progress) {
            this("source_complete", streamId, source, articles, stat, progress, Instant.now());
        }
    }

    record SourceError(String status, String streamId, String source, String error, Progress progress,
                       Instant timestamp) implements StreamEvent {
        public SourceError(String streamId, String source, String error, Progress progress) {
            this("source_error", streamId, source, error, progress, Instant.now());
        }
    }

    record Complete(String status, String streamId, String message, int totalArticles, int successfulSources,
                    int failedSources, Progress progress, Instant timestamp, long durationMs) implements StreamEvent {
        public Complete(String streamId, String message, int totalArticles, int successful, int failed,
                        Progress progress, long durationMs) {
            this("complete", streamId, message, totalArticles, successful, failed, progress, Instant.now(), durationMs);
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
