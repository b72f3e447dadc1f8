package dev.newsstream.feed.entity;

import java.util.List;

/**
 * How one URL of a source went: for the source's stat, for conditional GETs next time, and for
 * {@code /debug/source/{name}}. {@code url} is where the feed was finally read (after redirects);
 * {@code configuredUrl} is the sources file's, under which validators are kept, so conditional GET
 * works for feeds that redirect too.
 */
public record UrlReport(String url, String outcome, int httpStatus, String etag, String lastModified,
                        String feedTitle, String feedLink, int entries, List<String> problems, String error,
                        FetchOutcome.FailureReason failureReason, String configuredUrl) {

    public boolean notModified() {
        return FetchOutcome.Kind.NOT_MODIFIED.name().equals(outcome);
    }
}
