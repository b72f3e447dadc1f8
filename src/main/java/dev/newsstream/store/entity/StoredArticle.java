package dev.newsstream.store.entity;

import dev.newsstream.feed.entity.Article;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An article as the database keeps it (table {@code article}, see db/migration). Its id, given by
 * the database when it is first stored, is its arrival number: the event id live streams send.
 */
@Entity
@Table(name = "article")
public class StoredArticle {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "source_name", nullable = false, updatable = false)
    private String sourceName;

    @Column(name = "key_hash", nullable = false, updatable = false)
    private String keyHash;

    @Column(name = "article_key", nullable = false, updatable = false)
    private String articleKey;

    @Column(nullable = false)
    private String title;

    private String link;
    private String description;
    private String image;
    private String category;
    private String country;

    @Column(name = "published_at", nullable = false)
    private long publishedAt;

    @Column(name = "first_seen_at", nullable = false, updatable = false)
    private long firstSeenAt;

    protected StoredArticle() {
        // for JPA
    }

    public StoredArticle(String sourceName, String key, String keyHash, Article article, Instant now) {
        this.sourceName = sourceName;
        this.articleKey = key;
        this.keyHash = keyHash;
        this.firstSeenAt = now.toEpochMilli();
        this.publishedAt = article.published().toEpochMilli();
        update(article);
    }

    /** Takes a re-fetched article's text; the publication time only ever moves earlier (see SourceShelf). */
    public void update(Article fresh) {
        title = fresh.title();
        link = fresh.link();
        description = fresh.description();
        image = fresh.image();
        category = fresh.category();
        country = fresh.country();
        publishedAt = Math.min(publishedAt, fresh.published().toEpochMilli());
    }

    public Article toArticle() {
        return new Article(title, link, description, Instant.ofEpochMilli(publishedAt), sourceName, category, country,
                image, articleKey);
    }

    public Long id() {
        return id;
    }

    public String sourceName() {
        return sourceName;
    }

    public String keyHash() {
        return keyHash;
    }
}
