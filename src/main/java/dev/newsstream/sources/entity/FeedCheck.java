package dev.newsstream.sources.entity;

import java.time.Instant;
import java.util.List;

/**
 * How one feed of an import went. {@code result}: {@code checking} until done, then {@code added},
 * {@code duplicate} (its name or URL is already a source, or came earlier in the file), {@code unreachable}
 * (the fetch failed: network, timeout, HTTP status, blocked, host paused), {@code not_a_feed} (it answered,
 * but not with RSS or Atom), {@code invalid} (no usable http(s) URL) or {@code failed} (the database did
 * not take it). {@code detail} says more in words.
 */
public record FeedCheck(int index, String name, List<String> urls, String category, String result, String detail,
                        Instant checkedAt) {

    public static final String CHECKING = "checking";
    public static final String ADDED = "added";
    public static final String DUPLICATE = "duplicate";
    public static final String UNREACHABLE = "unreachable";
    public static final String NOT_A_FEED = "not_a_feed";
    public static final String INVALID = "invalid";
    public static final String FAILED = "failed";

    public static final List<String> RESULTS = List.of(ADDED, DUPLICATE, UNREACHABLE, NOT_A_FEED, INVALID, FAILED);

    public FeedCheck {
        urls = List.copyOf(urls);
    }

    public boolean done() {
        return !CHECKING.equals(result);
    }

    public FeedCheck with(String newResult, String newDetail) {
        return new FeedCheck(index, name, urls, category, newResult, newDetail, Instant.now());
    }
}
