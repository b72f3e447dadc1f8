package dev.newsstream.store.entity;

import java.time.Instant;

/**
 * How the database is doing, as the store knows it without asking it: whether writes go through, and
 * if not since when and why; what waits to be written; what was written and removed so far.
 */
public record StorageStatus(String database, String product, boolean up, String reason, Instant since,
                            int pendingWrites, int pendingArticles, long transactions, long articlesInserted,
                            long writeMillis, long failedWrites, long droppedWrites, Instant retentionRanAt, int retentionDeleted,
                            long startupMillis) {
}
