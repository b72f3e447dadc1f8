package dev.newsstream.feed.entity;

import java.util.List;

/**
 * How one URL of a source went: for the source's stat, for conditional GETs next time, and for
 * {@code /debug/source/{name}}.
 */
public record UrlReport(String url, String outcome, int httpStatus, String etag, String lastModified,
                        String feedTitle, String feedLink, int entries, List<String> problems, String error,
                        FetchOutcome.FailureReason failureReason) {

    public boolean notModified() {
        return FetchOutcome.Kind.NOT_MODIFIED.name().equals(outcome);
    }
}
