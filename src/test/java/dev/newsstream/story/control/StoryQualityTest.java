package dev.newsstream.story.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How well grouping matches a person's grouping of ~370 headlines (src/test/resources/stories), measured
 * pairwise: precision = of the pairs put in one story, how many a person put together; recall = of the
 * pairs a person put together, how many were found. The figures are printed and must stay above a floor.
 */
class StoryQualityTest {

    static final double PRECISION_FLOOR = 0.95;
    static final double RECALL_FLOOR = 0.88;

    record Score(long truePairs, long falsePairs, long missedPairs, List<String> falses, List<String> misses) {
        double precision() {
            return truePairs + falsePairs == 0 ? 1 : (double) truePairs / (truePairs + falsePairs);
        }

        double recall() {
            return truePairs + missedPairs == 0 ? 1 : (double) truePairs / (truePairs + missedPairs);
        }
    }

    static Score score(LabelledHeadlines set, StoryIndex.Settings settings) {
        return score(set, settings, new StoryText());
    }

    static Score score(LabelledHeadlines set, StoryIndex.Settings settings, StoryText text) {
        StoryIndex index = new StoryIndex(settings);
        List<LabelledHeadlines.Headline> all = set.headlines();
        List<String> storyIds = new ArrayList<>();
        for (LabelledHeadlines.Headline h : all) {
            storyIds.add(index.add(h.report(), text.terms(h.report().title(), h.description())).id());
        }
        long tp = 0, fp = 0, fn = 0;
        List<String> falses = new ArrayList<>(), misses = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                var a = all.get(i);
                var b = all.get(j);
                boolean same = !a.singleton() && a.label().equals(b.label());
                boolean grouped = storyIds.get(i).equals(storyIds.get(j));
                if (same && grouped) tp++;
                else if (grouped) {
                    fp++;
                    falses.add(a.label() + " ~ " + b.label() + ": \"" + a.report().title() + "\" / \"" + b.report().title() + "\"");
                } else if (same) {
                    fn++;
                    misses.add(a.label() + ": \"" + a.report().title() + "\" / \"" + b.report().title() + "\"");
                }
            }
        }
        return new Score(tp, fp, fn, falses, misses);
    }

    static StoryIndex.Settings defaults() {
        return new StoryIndex.Settings(Duration.ofHours(36), Stories.DEFAULT_THRESHOLD, 32, 200, Duration.ofDays(7));
    }

    @Test
    void groupingMatchesTheLabelledSetAboveTheFloor() {
        LabelledHeadlines set = LabelledHeadlines.load();
        Score score = score(set, defaults());
        System.out.printf(Locale.ROOT, "Story grouping on %d headlines (%d labelled stories, %d singletons): "
                        + "pairwise precision %.3f, recall %.3f (%d true pairs, %d false, %d missed)%n",
                set.headlines().size(), set.stories(), set.singletons(), score.precision(), score.recall(),
                score.truePairs(), score.falsePairs(), score.missedPairs());
        score.falses().forEach(f -> System.out.println("  wrongly together: " + f));
        score.misses().forEach(m -> System.out.println("  missed: " + m));
        assertTrue(score.precision() >= PRECISION_FLOOR, "precision " + score.precision() + " below " + PRECISION_FLOOR);
        assertTrue(score.recall() >= RECALL_FLOOR, "recall " + score.recall() + " below " + RECALL_FLOOR);
    }

    /** Not a check of the product: prints precision and recall across settings, how the defaults were chosen. */
    @Test
    void settingsSweep() {
        LabelledHeadlines set = LabelledHeadlines.load();
        for (float tw : new float[] {1f, 2f, 3f, 4f})
        for (int dw : new int[] {0, 40})
        for (double t = 0.15; t <= 0.50; t += 0.05) {
            var d = defaults();
            Score s = score(set, new StoryIndex.Settings(d.window(), t, d.candidates(), d.maxPostings(), d.remember()),
                    new StoryText(tw, dw));
            System.out.printf(Locale.ROOT, "title weight %.0f, description words %d, threshold %.2f: precision %.3f recall %.3f F %.3f%n", tw, dw, t,
                    s.precision(), s.recall(), 2 * s.precision() * s.recall() / (s.precision() + s.recall()));
        }
    }
}
