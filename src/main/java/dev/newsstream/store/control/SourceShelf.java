package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One source's articles: de-duplicated by their stable key, newest first by publication time, at most
 * {@code max}, each with the id it was numbered with when it first arrived. This de-duplication is what
 * decides whether a fetched article is new (the database no longer does). Readers get an immutable
 * snapshot without locking; writers merge under the shelf's lock.
 */
final class SourceShelf {

    static final Comparator<Article> NEWEST_FIRST =
            Comparator.comparing(Article::published).reversed().thenComparing(Article::title);

    private final Map<String, LoggedArticle> byKey = new HashMap<>();
    private volatile List<Article> newestFirst = List.of();

    List<Article> articles() {
        return newestFirst;
    }

    /** The id the shelf knows this article by, or 0 if it is new here. */
    synchronized long idOf(Article article) {
        LoggedArticle known = byKey.get(keyOf(article));
        return known == null ? 0 : known.sequence();
    }

    synchronized int size() {
        return byKey.size();
    }

    /**
     * Merges numbered articles in; an article already here keeps its id and takes the new text. Returns
     * the articles this shelf had not seen before (and kept), in ascending id.
     */
    synchronized List<LoggedArticle> merge(Collection<LoggedArticle> fetched, int max) {
        List<String> added = new ArrayList<>();
        for (LoggedArticle entry : fetched) {
            String key = keyOf(entry.article());
            LoggedArticle known = byKey.get(key);
            if (known == null) {
                added.add(key);
                byKey.put(key, entry);
            } else {
                byKey.put(key, new LoggedArticle(known.sequence(), updated(known.article(), entry.article())));
            }
        }
        List<Article> sorted = new ArrayList<>(byKey.size());
        byKey.values().forEach(e -> sorted.add(e.article()));
        sorted.sort(NEWEST_FIRST);
        List<Article> kept = sorted;
        if (sorted.size() > max) {
            sorted.subList(max, sorted.size()).forEach(a -> byKey.remove(keyOf(a)));
            kept = new ArrayList<>(sorted.subList(0, max));
        }
        newestFirst = List.copyOf(kept);
        return added.stream().map(byKey::get).filter(a -> a != null)
                .sorted(Comparator.comparingLong(LoggedArticle::sequence)).toList();
    }

    /** Replaces what the shelf holds with articles read back from the database (at start-up). */
    synchronized void load(List<LoggedArticle> articles, int max) {
        byKey.clear();
        merge(articles, max);
    }

    /** Drops the articles published before {@code cutoff}; returns how many. */
    synchronized int dropPublishedBefore(Instant cutoff) {
        int before = byKey.size();
        byKey.values().removeIf(e -> e.article().published().isBefore(cutoff));
        int dropped = before - byKey.size();
        if (dropped > 0) newestFirst = newestFirst.stream().filter(a -> !a.published().isBefore(cutoff)).toList();
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
