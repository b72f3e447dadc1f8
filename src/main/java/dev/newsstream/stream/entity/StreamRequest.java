package dev.newsstream.stream.entity;

import java.util.OptionalLong;

/**
 * What a client asked for: a category (or all), whether a fresh cache may answer, whether to stay
 * open for live articles, and the last event id it saw (when resuming; absent or unparseable = none).
 */
public record StreamRequest(String category, boolean useCache, boolean live, String lastEventId) {

    public boolean resuming() {
        return lastEventId != null && !lastEventId.isBlank();
    }

    /** The id as a number, if it is one we could have sent. */
    public OptionalLong lastSequence() {
        if (!resuming()) return OptionalLong.empty();
        try {
            long id = Long.parseLong(lastEventId.trim());
            return id >= 0 ? OptionalLong.of(id) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
