package dev.newsstream.store.entity;

import java.time.Instant;
import java.util.List;

/**
 * How storage is doing, as the store knows it without asking the database ({@code GET /debug/store}):
 * whether writes go through, and if not since when and why (the driver's words: details stay here, the
 * readiness answer carries only {@link #problem()}); what waits to be written and since when; what was
 * written, refused and removed so far; how arrival ids are reserved; the cache version; how long
 * recording a fetch takes on the fetch path.
 */
public record StorageStatus(String database, String product, boolean up, String reason, Instant since,
                            boolean writerRunning, String writerStopped,
                            int pendingWrites, int pendingArticles, Double oldestWriteAgeSeconds,
                            long transactions, long articlesInserted, long writeMillis, long failedWrites,
                            long droppedWrites, long refusedRows, List<RefusedRow> lastRefused,
                            long nextId, long idsReservedThrough, long unreservedIds, long cacheVersion,
                            long recordedFetches, double recordFetchAvgMillis, double recordFetchMaxMillis,
                            Instant retentionRanAt, int retentionDeleted, long startupMillis) {

    /** A short reason for readiness (no URL, no driver message), or null when storage is fine. */
    public String problem() {
        if (!writerRunning) return "database writer stopped";
        if (!up) return "database unreachable";
        return null;
    }
}
