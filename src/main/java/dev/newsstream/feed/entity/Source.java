package dev.newsstream.feed.entity;

import java.net.URI;
import java.util.List;

/**
 * One configured news source. A consolidated source has several URLs whose articles are merged;
 * every other source has exactly one.
 */
public record Source(String name, List<URI> urls, String category, String country,
                     String fundingType, String biasRating) {

    public Source {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("source name is empty");
        if (urls == null || urls.isEmpty()) throw new IllegalArgumentException(name + ": no URL");
        urls = List.copyOf(urls);
    }

    public URI firstUrl() {
        return urls.get(0);
    }

    public boolean inCategory(String wanted) {
        return wanted == null || wanted.isBlank() || category.equals(wanted);
    }
}
