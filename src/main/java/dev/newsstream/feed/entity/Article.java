package dev.newsstream.feed.entity;

import jakarta.json.bind.annotation.JsonbTransient;
import java.time.Instant;

/**
 * One news item as every endpoint and event shows it. {@code key} identifies the item within its
 * source (GUID, else link, else title and date) and is not part of the JSON.
 */
public record Article(String title, String link, String description, Instant published,
                      String source, String category, String country, String image,
                      @JsonbTransient String key) implements java.io.Serializable {

    public static final String NO_TITLE = "No title";
    public static final String NO_DESCRIPTION = "No description";
}
