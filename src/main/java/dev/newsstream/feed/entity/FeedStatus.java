package dev.newsstream.feed.entity;


/** Outcome of one source fetch as the protocol names it: lower case on the wire. */
public enum FeedStatus {
    SUCCESS, WARNING, ERROR, PENDING;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
