package dev.newsstream.story.entity;

import java.time.Instant;
import java.util.List;

/**
 * One story in {@code /news?group=story}: its lead article (the newest that matched), the sources that
 * reported it, and each source's article ({@code reports}, the lead's first).
 */
public record StoryView(String storyId, String title, String link, String description, Instant published,
                        String image, String category, String source, List<String> sources,
                        List<AlsoReported> reports) {
}
