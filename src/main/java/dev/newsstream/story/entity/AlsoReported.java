package dev.newsstream.story.entity;

import java.time.Instant;

/**
 * Another source's article about the same story, as a card shows it: who (with the bias rating and
 * funding type the sources file gives), and the headline and link of its article.
 */
public record AlsoReported(String source, String title, String link, Instant published, String biasRating,
                           String fundingType, String country) implements java.io.Serializable {
}
