package dev.newsstream.feed.entity;

import java.util.Locale;

/** Outcome of one source fetch. The protocol writes it lower case ({@code "success"}); see {@link #wire()}. */
public enum FeedStatus {
    SUCCESS, WARNING, ERROR, PENDING;

    /** The protocol's and the database's spelling. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status a stored or received spelling names; an unknown one (a newer version's) counts as pending. */
    public static FeedStatus fromWire(String wire) {
        if (wire != null) for (FeedStatus s : values()) if (s.wire().equals(wire)) return s;
        return PENDING;
    }

    /** Whether the source answered with a feed (with or without problems). */
    public boolean answered() {
        return this == SUCCESS || this == WARNING;
    }
}
