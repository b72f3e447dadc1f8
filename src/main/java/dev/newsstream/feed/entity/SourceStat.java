package dev.newsstream.feed.entity;

import java.time.Instant;

/** The {@code source_stat} of the protocol: how the last fetch of one source went. */
public record SourceStat(String name, String url, String category, String country,
                         String fundingType, String biasRating, int articleCount,
                         FeedStatus status, String errorMessage, Instant lastChecked,
                         double processingTimeSeconds) implements java.io.Serializable {

    public static SourceStat of(Source source, FeedStatus status, int articleCount, String errorMessage,
                                Instant checkedAt, double seconds) {
        return new SourceStat(source.name(), source.firstUrl().toString(), source.category(), source.country(),
                source.fundingType(), source.biasRating(), articleCount, status, errorMessage, checkedAt,
                Math.round(seconds * 1000) / 1000.0);
    }
}
