package dev.newsstream.store.entity;

import java.time.Instant;
import java.util.Map;

/** {@code GET /cache/status}: the original app's cache figures. */
public record CacheStatus(Instant lastUpdated, boolean updateInProgress, long updateCount, int totalArticles,
                          int totalSources, int sourcesWorking, int sourcesWithErrors, int sourcesWithWarnings,
                          Map<String, Integer> categoryBreakdown, Double cacheAgeSeconds) {
}
