package dev.newsstream.feed.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a feed says it stays unchanged: RSS {@code <ttl>} (minutes), the syndication module's
 * {@code sy:updatePeriod}/{@code sy:updateFrequency} (a period divided by a frequency) and HTTP
 * {@code Cache-Control: max-age}. Pure functions; the caller bounds what it does with the answer.
 *
 * <p>Read from the document's head with patterns rather than from the parsed feed: the hints sit in the
 * channel before the first item, and this keeps hint reading apart from (and cheaper than) parsing.
 */
public final class FeedHints {

    /** The channel's elements come before its items; no need to look further than this. */
    static final int HEAD_BYTES = 16 * 1024;
    private static final Pattern TTL = Pattern.compile("<ttl>\\s*(\\d{1,9})\\s*</ttl>");
    private static final Pattern PERIOD = Pattern.compile("<(?:\\w+:)?updatePeriod>\\s*(\\w+)\\s*</(?:\\w+:)?updatePeriod>");
    private static final Pattern FREQUENCY =
            Pattern.compile("<(?:\\w+:)?updateFrequency>\\s*(\\d{1,9})\\s*</(?:\\w+:)?updateFrequency>");
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])(s-)?max-age\\s*=\\s*\"?(\\d{1,12})");

    private FeedHints() {
    }

    /** The longest hint in the document, or null if it has none. */
    public static Duration fromDocument(byte[] body) {
        if (body == null || body.length == 0) return null;
        // ISO-8859-1 maps every byte to one char: the ASCII markup reads the same in any ASCII-compatible charset
        String head = new String(body, 0, Math.min(body.length, HEAD_BYTES), StandardCharsets.ISO_8859_1);
        Duration ttl = null;
        Matcher m = TTL.matcher(head);
        if (m.find()) ttl = Duration.ofMinutes(Long.parseLong(m.group(1)));
        Duration sy = null;
        m = PERIOD.matcher(head);
        if (m.find()) {
            Duration period = period(m.group(1));
            if (period != null) {
                Matcher f = FREQUENCY.matcher(head);
                long frequency = f.find() ? Math.max(1, Long.parseLong(f.group(1))) : 1;
                sy = period.dividedBy(frequency);
            }
        }
        return longer(ttl, sy);
    }

    /** {@code max-age} (or {@code s-maxage}) of a Cache-Control header; null if absent, no-cache or no-store. */
    public static Duration maxAge(String cacheControl) {
        if (cacheControl == null || cacheControl.isBlank()) return null;
        String value = cacheControl.toLowerCase(Locale.ROOT);
        if (value.contains("no-cache") || value.contains("no-store")) return null;
        Matcher m = MAX_AGE.matcher(value.replace("s-maxage", "s-max-age"));
        Duration longest = null;
        while (m.find()) longest = longer(longest, Duration.ofSeconds(Long.parseLong(m.group(2))));
        return longest;
    }

    public static Duration longer(Duration a, Duration b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration period(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "hourly" -> Duration.ofHours(1);
            case "daily" -> Duration.ofDays(1);
            case "weekly" -> Duration.ofDays(7);
            case "monthly" -> Duration.ofDays(30);
            case "yearly" -> Duration.ofDays(365);
            default -> null;
        };
    }
}
