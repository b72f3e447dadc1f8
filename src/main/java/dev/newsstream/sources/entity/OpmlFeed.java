package dev.newsstream.sources.entity;

import java.util.List;

/**
 * One feed outline of an OPML file, as written: its URLs are not checked yet (an import reports a bad
 * one as {@code invalid}). {@code urls} has one entry, or several for a consolidated source
 * (newsstream's own {@code xmlUrls} attribute).
 */
public record OpmlFeed(int index, String name, List<String> urls, String category, String country,
                       String fundingType, String biasRating) {
    public OpmlFeed {
        urls = List.copyOf(urls);
    }
}
