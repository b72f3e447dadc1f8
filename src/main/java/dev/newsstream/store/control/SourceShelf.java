package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One source's articles: de-duplicated by their stable key, newest first by publication time, at most
 * {@code max}. Readers get an immutable snapshot without locking; writers merge under the shelf's lock.
 */
final class SourceShelf {

    static final Comparator<Article> NEWEST_FIRST =
            Comparator.comparing(Article::published).reversed().thenComparing(Article::title);

    private final Map<String, Article> byKey = new HashMap<>();
    private volatile List<Article> newestFirst = List.of();

    List<Article> articles() {
        return newestFirst;
    }

    /** Merges a fetch in; returns the articles this shelf had not seen before (and kept). */
    synchronized List<Article> merge(List<Article> fetched, int max) {
        List<String> added = new ArrayList<>();
        for (Article article : fetched) {
            String key = keyOf(article);
            Article known = byKey.get(key);
            if (known == null) added.add(key);
            byKey.put(key, known == null ? article : updated(known, article));
        }
        List<Article> sorted = new ArrayList<>(byKey.values());
        sorted.sort(NEWEST_FIRST);
        if (sorted.size() > max) {
            sorted.subList(max, sorted.size()).forEach(a -> byKey.remove(keyOf(a)));
            sorted = new ArrayList<>(sorted.subList(0, max));
        }
        newestFirst = List.copyOf(sorted);
        return added.stream().map(byKey::get).filter(a -> a != null).sorted(NEWEST_FIRST).toList();
    }

    /** Replaces what the shelf holds with articles read back from the database (at start-up). */
    synchronized void load(List<Article> articles, int max) {
        byKey.clear();
        merge(articles, max);
    }

    /** Drops the articles published before {@code cutoff}; returns how many. */
    synchronized int dropPublishedBefore(Instant cutoff) {
        List<Article> kept = newestFirst.stream().filter(a -> !a.published().isBefore(cutoff)).toList();
        int dropped = newestFirst.size() - kept.size();
        if (dropped > 0) {
            byKey.clear();
            kept.forEach(a -> byKey.put(keyOf(a), a));
            newestFirst = List.copyOf(kept);
        }
        return dropped;
    }

    /**
     * A re-fetched article takes the new text but keeps the earlier publication time, so an entry
     * without a date (stamped with its fetch time) does not climb to the top on every refresh.
     */
    static Article updated(Article known, Article fresh) {
        Instant published = fresh.published().isBefore(known.published()) ? fresh.published() : known.published();
        return new Article(fresh.title(), fresh.link(), fresh.description(), published, fresh.source(),
                fresh.category(), fresh.country(), fresh.image(), fresh.key());
    }

    static String keyOf(Article a) {
        return a.key() != null && !a.key().isBlank() ? a.key() : a.title() + "|" + a.published();
    }
}
