package dev.newsstream.feed.entity;

import dev.newsstream.story.entity.AlsoReported;
import jakarta.json.bind.annotation.JsonbTransient;
import java.time.Instant;
import java.util.List;

/**
 * One news item as every endpoint and event shows it. {@code key} identifies the item within its
 * source (GUID, else link, else title and date) and is not part of the JSON. {@code storyId} and
 * {@code alsoReportedBy} say which story it belongs to and which other sources reported that story;
 * the feed parser and the store leave them empty, story grouping fills them in when articles go out.
 */
public record Article(String title, String link, String description, Instant published,
                      String source, String category, String country, String image,
                      @JsonbTransient String key, String storyId, List<AlsoReported> alsoReportedBy)
        implements java.io.Serializable {

    public static final String NO_TITLE = "No title";
    public static final String NO_DESCRIPTION = "No description";

    public Article {
        alsoReportedBy = alsoReportedBy == null ? List.of() : alsoReportedBy;
    }

    /** An article not (yet) placed in a story. */
    public Article(String title, String link, String description, Instant published, String source, String category,
                   String country, String image, String key) {
        this(title, link, description, published, source, category, country, image, key, null, List.of());
    }

    /** This article as part of a story, with the other sources that reported it. */
    public Article inStory(String story, List<AlsoReported> others) {
        return new Article(title, link, description, published, source, category, country, image, key, story, others);
    }
}
