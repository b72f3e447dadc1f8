package dev.newsstream.story.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.story.entity.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoryIndexTest {

    static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
    final StoryText text = new StoryText();

    static StoryIndex index() {
        return new StoryIndex(StoryQualityTest.defaults());
    }

    static Report report(String source, String key, String title, Instant at) {
        return new Report(source, key, title, "https://example.test/" + key, at);
    }

    StoryIndex.Story add(StoryIndex index, String source, String key, String title, Instant at) {
        return index.add(report(source, key, title, at), text.terms(title, null));
    }

    @Test
    void theSameEventFromTwoSourcesIsOneStoryWithTheFirstArticlesId() {
        StoryIndex index = index();
        var first = add(index, "BBC World", "a", "Magnitude 7.1 earthquake strikes off Japan's Miyagi coast, tsunami advisory issued", T0);
        var second = add(index, "CNA", "b", "Strong 7.1 quake hits off Miyagi, Japan issues tsunami advisory", T0.plusSeconds(600));
        var other = add(index, "ESPN", "c", "Lakers beat Clippers as LeBron James reaches 42,000 points", T0.plusSeconds(700));
        assertEquals(first.id(), second.id());
        assertNotEquals(first.id(), other.id());
        assertEquals(StoryIndex.idFor(report("BBC World", "a", "", T0)), first.id());
        assertEquals(List.of("BBC World", "CNA"), first.members().stream().map(Report::source).toList());
    }

    @Test
    void aDroppedSourceLeavesItsStoriesWhichKeepTheirIds() {
        StoryIndex index = index();
        var first = add(index, "BBC World", "a", "Magnitude 7.1 earthquake strikes off Japan's Miyagi coast, tsunami advisory issued", T0);
        add(index, "CNA", "b", "Strong 7.1 quake hits off Miyagi, Japan issues tsunami advisory", T0.plusSeconds(600));
        assertEquals(1, index.forgetSource("CNA"));
        assertEquals(List.of("BBC World"), first.members().stream().map(Report::source).toList());
        assertTrue(index.storyOf("CNA", "b").isEmpty(), "the dropped article is no longer known");
        assertEquals(first.id(), index.storyOf("BBC World", "a").orElseThrow().id());
        assertEquals(0, index.forgetSource("CNA"));
    }

    @Test
    void aReFetchedArticleKeepsItsStory() {
        StoryIndex index = index();
        var story = add(index, "BBC World", "a", "Magnitude 7.1 earthquake strikes off Japan", T0);
        var again = add(index, "BBC World", "a", "Completely different title after an edit", T0.plusSeconds(60));
        assertEquals(story.id(), again.id());
        assertEquals(1, again.members().size());
    }

    @Test
    void articlesFartherApartThanTheWindowAreNotGrouped() {
        StoryIndex index = index();
        var first = add(index, "BBC World", "a", "Magnitude 7.1 earthquake strikes off Japan's Miyagi coast", T0);
        var late = add(index, "CNA", "b", "Magnitude 7.1 earthquake strikes off Japan's Miyagi coast", T0.plus(Duration.ofHours(37)));
        assertNotEquals(first.id(), late.id());
        assertTrue(index.storyOf("BBC World", "a").isPresent(), "a story out of the window is still remembered");
    }

    @Test
    void groupingTheSameArticlesInTheSameOrderGivesTheSameIds() {
        LabelledHeadlines set = LabelledHeadlines.load();
        List<String> run1 = new ArrayList<>(), run2 = new ArrayList<>();
        for (List<String> run : List.of(run1, run2)) {
            StoryIndex index = index();
            StoryText fresh = new StoryText();
            for (var h : set.headlines()) run.add(index.add(h.report(), fresh.terms(h.report().title(), h.description())).id());
        }
        assertEquals(run1, run2);
    }

    @Test
    void storiesPastTheMemoryAreForgotten() {
        StoryIndex index = index();
        add(index, "BBC World", "a", "Magnitude 7.1 earthquake strikes off Japan", T0);
        add(index, "CNA", "b", "Unrelated later headline about football", T0.plus(Duration.ofDays(8)));
        assertTrue(index.storyOf("BBC World", "a").isEmpty());
        assertEquals(1, index.stories());
    }

    /**
     * The cost of grouping one arriving article with N stories in the window. Synthetic headlines: each
     * event has three names of its own and five words drawn from a 3,000-word vocabulary with Zipf's
     * frequencies (as real headlines share "says", "after", "police"), three articles per event.
     */
    @Test
    void costPerArticleStaysBoundedAsStoriesGrow() {
        Map<Integer, Double> microsPerArticle = new HashMap<>();
        for (int stories : new int[] {1_000, 5_000, 20_000}) {
            StoryIndex index = new StoryIndex(new StoryIndex.Settings(Duration.ofDays(3650), Stories.DEFAULT_THRESHOLD,
                    32, 200, Duration.ofDays(3650)));
            Random random = new Random(42);
            Instant at = T0;
            for (int e = 0; e < stories; e++) index.add(report("S" + (e % 85), "f" + e, "", at), synthetic(random, e));
            int measured = 5_000;
            List<Map<String, Float>> terms = new ArrayList<>(measured);
            for (int i = 0; i < measured; i++) terms.add(synthetic(random, random.nextInt(stories * 2)));
            long started = System.nanoTime();
            for (int i = 0; i < measured; i++) index.add(report("S" + (i % 85), "m" + i, "", at), terms.get(i));
            double micros = (System.nanoTime() - started) / 1000.0 / measured;
            microsPerArticle.put(stories, micros);
            System.out.printf(Locale.ROOT, "Grouping cost with %,d stories in the window: %.1f µs per article (%,d terms indexed)%n",
                    index.stories(), micros, index.indexedTerms());
        }
        // bounded: 20x the stories must not cost anywhere near 20x per article (generous for a loaded machine)
        assertTrue(microsPerArticle.get(20_000) < 5_000, "over 5 ms per article: " + microsPerArticle);
        assertTrue(microsPerArticle.get(20_000) < 8 * microsPerArticle.get(1_000) + 50, "grows with N: " + microsPerArticle);
    }

    /** An event's article: its three names, five common words, and (half the time) a word of its own. */
    static Map<String, Float> synthetic(Random random, int event) {
        Map<String, Float> terms = new HashMap<>();
        Random own = new Random(event);
        for (int n = 0; n < 3; n++) terms.merge("name" + own.nextInt(200_000), 3f, Float::sum);
        for (int w = 0; w < 5; w++) terms.merge("word" + zipf(random, 3_000), 3f, Float::sum);
        if (random.nextBoolean()) terms.merge("extra" + random.nextInt(1_000_000), 1f, Float::sum);
        return terms;
    }

    static int zipf(Random random, int n) {
        return (int) Math.floor(Math.pow(n, random.nextDouble())) - 1;
    }
}
