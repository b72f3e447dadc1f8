package dev.newsstream.sources.entity;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An import as {@code GET /sources/import/{id}} shows it: {@code running} until every feed is checked,
 * then {@code complete}; {@code counts} per result; {@code feeds} in file order.
 */
public record ImportReport(String id, String status, Instant startedAt, Instant finishedAt, int total, int checked,
                           Map<String, Integer> counts, List<FeedCheck> feeds) {
}
