package dev.newsstream.ingest.control;

import dev.newsstream.feed.control.RetryAfter;
import java.time.Duration;

/**
 * When a failing source is tried next: {@code base} after the first failure, doubling with each
 * further one up to {@code max}; a server's Retry-After wins when longer. Never more than
 * {@link RetryAfter#MAX} (24 h), whatever the configuration or the server says, and no arithmetic
 * can overflow, so no source is ever shelved for good.
 */
record Backoff(Duration base, Duration max) {

    Backoff {
        base = clamp(base);
        max = clamp(max);
        if (base.compareTo(max) > 0) base = max;
    }

    Duration delay(int consecutiveFailures, Duration retryAfter) {
        Duration delay = base;
        for (int i = 1; i < consecutiveFailures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2); // both at most 24 h: cannot overflow
        }
        if (delay.compareTo(max) > 0) delay = max;
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) delay = clamp(retryAfter);
        return delay;
    }

    private static Duration clamp(Duration d) {
        if (d == null || d.isNegative()) return Duration.ZERO;
        return d.compareTo(RetryAfter.MAX) > 0 ? RetryAfter.MAX : d;
    }
}
