package dev.newsstream.feed.entity;

import java.time.Duration;

/** Everything that bounds one feed fetch; see docs/configuration.md. */
public record FetchLimits(Duration connectTimeout, Duration totalTimeout, long maxBytes, int maxRedirects,
                          String userAgent) {

    public String maxBytesHuman() {
        if (maxBytes % (1024 * 1024) == 0) return (maxBytes / (1024 * 1024)) + " MiB";
        if (maxBytes % 1024 == 0) return (maxBytes / 1024) + " KiB";
        return maxBytes + " bytes";
    }
}
