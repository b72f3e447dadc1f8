package dev.newsstream.story.entity;

import java.time.Instant;

/** One source's article in a story, as grouping remembers it: enough to link to it and to name who reported it. */
public record Report(String source, String key, String title, String link, Instant published) {

    /** Identifies an article across sources: its source and its key within the source. */
    public String articleRef() {
        return ref(source, key);
    }

    public static String ref(String source, String key) {
        return source + '\u0000' + key;
    }
}
