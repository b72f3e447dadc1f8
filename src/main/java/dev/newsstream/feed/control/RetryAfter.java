package dev.newsstream.feed.control;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads {@code Retry-After} in both of its forms, delay seconds or an HTTP date, and never answers more
 * than {@link #MAX} whatever the server sends (a delay of 10^30 seconds, the year 9999): a server may ask
 * us to stay away for a while, not shelve its source for good.
 */
public final class RetryAfter {

    /** The longest stay-away a server can ask for; back-off is capped by the same bound. */
    public static final Duration MAX = Duration.ofHours(24);

    private RetryAfter() {
    }

    /** The delay asked for, within [0, {@link #MAX}], or null when the value is absent or unreadable. */
    public static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank() || value.length() > 100) return null;
        String v = value.trim();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // digits only: any length is a valid (if absurd) delay; more than 9 digits is past the cap anyway
            if (v.length() > 9) return MAX;
            return atMostMax(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            if (!at.isAfter(now)) return Duration.ZERO;
            return at.isAfter(now.plus(MAX)) ? MAX : Duration.between(now, at);
        } catch (DateTimeParseException | ArithmeticException notADate) {
            return null;
        }
    }

    private static Duration atMostMax(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
