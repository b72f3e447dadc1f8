package dev.newsstream.ingest.control;

import dev.newsstream.feed.entity.SourceResult;

/** Hears how a refresh goes; called on fetch threads, so it must not block. */
public interface RefreshListener {

    RefreshListener NONE = new RefreshListener() {
    };

    default void sourceDone(SourceResult result, int processed, int failed) {
    }

    default void completed(RefreshSummary summary) {
    }
}
