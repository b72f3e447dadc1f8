package dev.newsstream.story.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code newsstream.story.*} knobs. */
@ApplicationScoped
public class StorySettings {

    @Inject
    @ConfigProperty(name = "newsstream.story.window", defaultValue = "36h")
    Duration window;

    @Inject
    @ConfigProperty(name = "newsstream.story.threshold", defaultValue = "0.4")
    double threshold;

    @Inject
    @ConfigProperty(name = "newsstream.story.candidates", defaultValue = "32")
    int candidates;

    @Inject
    @ConfigProperty(name = "newsstream.story.max-postings", defaultValue = "200")
    int maxPostings;

    @Inject
    @ConfigProperty(name = "newsstream.story.remember", defaultValue = "7d")
    Duration remember;

    public StoryIndex.Settings index() {
        return new StoryIndex.Settings(window, threshold, Math.max(1, candidates), Math.max(1, maxPostings),
                remember.compareTo(window) < 0 ? window : remember);
    }
}
