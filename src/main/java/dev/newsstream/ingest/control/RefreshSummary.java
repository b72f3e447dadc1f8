package dev.newsstream.ingest.control;

import java.time.Instant;

/** How one refresh of all sources went. */
public record RefreshSummary(String trigger, int totalSources, int sourcesSkipped, int successfulSources,
                             int failedSources, int warningSources, int newArticles, int totalArticles,
                             Instant startedAt, Instant finishedAt, double durationSeconds) {
}
