package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.SourceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one fetch of one source changes in the database, written in one transaction: its articles
 * (inserted or updated by key), its fetch state and its URLs' validators. While the database cannot
 * be written, later writes of the same source are folded into the waiting one, so at most one write
 * per source waits and none holds more than {@code maxArticles} articles.
 */
record SourceWrite(String source, List<Article> articles, SourceState state, Map<String, ConditionalHeaders> validators,
                   Instant createdAt) {

    SourceWrite {
        articles = List.copyOf(articles);
        validators = Map.copyOf(validators);
    }

    static SourceWrite of(String source, List<Article> articles, SourceState state,
                          Map<String, ConditionalHeaders> validators) {
        return new SourceWrite(source, articles, state, validators, Instant.now());
    }

    /** This write followed by a later one of the same source, as one write. */
    SourceWrite then(SourceWrite later, int maxArticles) {
        Map<String, Article> byKey = new LinkedHashMap<>();
        for (Article a : articles) byKey.put(SourceShelf.keyOf(a), a);
        for (Article a : later.articles) byKey.merge(SourceShelf.keyOf(a), a, SourceShelf::updated);
        List<Article> merged = new ArrayList<>(byKey.values());
        if (merged.size() > maxArticles) {
            merged.sort(SourceShelf.NEWEST_FIRST);
            merged = merged.subList(0, maxArticles);
        }
        Map<String, ConditionalHeaders> headers = new LinkedHashMap<>(validators);
        headers.putAll(later.validators);
        return new SourceWrite(source, merged, later.state != null ? later.state : state, headers, createdAt);
    }

    int size() {
        return articles.size();
    }
}
