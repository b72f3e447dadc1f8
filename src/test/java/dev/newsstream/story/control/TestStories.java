package dev.newsstream.story.control;

import dev.newsstream.feed.control.SourceCatalog;
import java.time.Duration;

/** A real {@link Stories} with the default knobs and an empty catalog, for unit tests outside this package. */
public final class TestStories {

    private TestStories() {
    }

    public static Stories create() {
        StorySettings settings = new StorySettings();
        settings.window = Duration.ofHours(36);
        settings.threshold = Stories.DEFAULT_THRESHOLD;
        settings.candidates = 32;
        settings.maxPostings = 200;
        settings.remember = Duration.ofDays(7);
        Stories stories = new Stories();
        stories.settings = settings;
        stories.catalog = new SourceCatalog();
        stories.start();
        return stories;
    }
}
