package dev.newsstream.feed.entity;

import java.util.List;

/**
 * What the parser made of one feed document: its articles (in document order) and the problems
 * that did not stop it (an entry without a link, an unreadable date...), which turn a success into a warning.
 */
public record ParsedFeed(String title, String link, List<Article> articles, List<String> problems) {
    public ParsedFeed {
        articles = List.copyOf(articles);
        problems = List.copyOf(problems);
    }
}
