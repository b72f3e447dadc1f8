package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.Article;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Predicate;

/** A filter over cached articles; null fields match everything. */
public record ArticleQuery(String category, String source, String text, Instant since) implements Predicate<Article> {

    public static final ArticleQuery ALL = new ArticleQuery(null, null, null, null);

    public static ArticleQuery category(String category) {
        return new ArticleQuery(category, null, null, null);
    }

    /** True if every article matches (no filter set). */
    public boolean matchesAll() {
        return blank(category) && blank(source) && blank(text) && since == null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public boolean test(Article a) {
        if (category != null && !category.isBlank() && !category.equals(a.category())) return false;
        if (source != null && !source.isBlank() && !source.equals(a.source())) return false;
        if (since != null && a.published().isBefore(since)) return false;
        if (text == null || text.isBlank()) return true;
        String needle = text.toLowerCase(Locale.ROOT);
        return contains(a.title(), needle) || contains(a.description(), needle);
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
    }
}
