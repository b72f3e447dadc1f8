package dev.newsstream.feed.entity;

import java.time.Instant;

/**
 * Why a source is not fetched now and when it may be: {@code backoff} (it failed; exponential back-off or
 * the server's Retry-After), {@code host_pause} (its host asked several of its feeds to stay away) or
 * {@code feed_hint} (the feed says it changes no more often: {@code <ttl>}, {@code sy:updatePeriod},
 * {@code Cache-Control: max-age}).
 */
public record Deferral(String reason, Instant until) {

    public static final String BACKOFF = "backoff";
    public static final String HOST_PAUSE = "host_pause";
    public static final String FEED_HINT = "feed_hint";

    public String describe() {
        return switch (reason) {
            case BACKOFF -> "backing off until " + until;
            case HOST_PAUSE -> "its host is paused until " + until;
            case FEED_HINT -> "the feed asks not to be fetched again before " + until;
            default -> reason + " until " + until;
        };
    }
}
