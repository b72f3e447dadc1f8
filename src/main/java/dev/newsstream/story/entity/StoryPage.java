package dev.newsstream.story.entity;

import java.util.List;

/** A page of {@code /news?group=story}: the stories, how many match in all, and the page asked for. */
public record StoryPage(List<StoryView> stories, int total, int limit, int offset) {
}
