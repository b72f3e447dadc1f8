package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.Article;

/** An article as it entered the cache, numbered in arrival order: the number is the SSE event id that resumes a stream. */
public record LoggedArticle(long sequence, Article article) implements java.io.Serializable {
}
