package dev.newsstream.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The ETag and Last-Modified of a feed URL's last successful fetch (table {@code feed_validator}). */
@Entity
@Table(name = "feed_validator")
public class StoredValidator {

    @Id
    @Column(name = "url_hash")
    private String urlHash;

    @Column(nullable = false, updatable = false)
    private String url;

    @Column(name = "source_name", nullable = false)
    private String sourceName;

    private String etag;

    @Column(name = "last_modified")
    private String lastModified;

    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected StoredValidator() {
        // for JPA
    }

    public StoredValidator(String urlHash, String url) {
        this.urlHash = urlHash;
        this.url = url;
    }

    public void update(String source, String etag, String lastModified, Instant now) {
        this.sourceName = source;
        this.etag = etag;
        this.lastModified = lastModified;
        this.updatedAt = now.toEpochMilli();
    }

    public String url() {
        return url;
    }

    public String etag() {
        return etag;
    }

    public String lastModified() {
        return lastModified;
    }
}
