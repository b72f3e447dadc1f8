/**
 * One story, many sources: articles from different sources about the same event are grouped into a
 * story while they arrive, so a reader sees the event once, with who else reported it.
 *
 * <p>The promise: every article that goes out (the {@code initial}, {@code source_complete} and
 * {@code article} frames, {@code /news}) carries its {@code story_id} and {@code also_reported_by}, and
 * grouping an arriving article costs a bounded amount, whatever the number of stories, and never makes
 * a reader wait.
 *
 * <p>Entry points: {@link dev.newsstream.story.control.Stories} (the CDI bean: {@code arrived} from the
 * store when a fetch is recorded, {@code rebuild} when memory is warmed at start-up, {@code decorate} and
 * {@code group} for whoever shows articles); {@link dev.newsstream.story.control.StoryIndex} (grouping:
 * the inverted index, the window, deterministic ids); {@link dev.newsstream.story.control.StoryText} (what
 * grouping sees of a headline: normalised, stop words out, Snowball-stemmed by Apache OpenNLP).
 * The {@code newsstream.story.*} knobs are in {@link dev.newsstream.story.control.StorySettings}.
 */
package dev.newsstream.story;
