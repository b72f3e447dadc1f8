package dev.newsstream.story.control;

import dev.newsstream.feed.entity.Article;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import opennlp.tools.stemmer.snowball.SnowballStemmer;

/**
 * What story grouping sees of an article: the stems of its title and the start of its description,
 * weighted (a title word counts three times: headlines name the event, descriptions wander). Normalisation: Unicode compatibility folding with accents
 * stripped ("Zelenskyy" and "Zelenskýy" meet), lower case, possessives dropped, split at anything that
 * is not a letter or digit, English stop words and news filler ("says", "live", "update") dropped, then
 * OpenNLP's Snowball English (Porter2) stemmer, so "strikes", "striking" and "strike" are one term.
 * Pure and cheap (a few µs per article); not thread-safe, because the stemmer keeps state: one per caller.
 */
public final class StoryText {

    /** Description words looked at: the lede carries the event; later sentences drift into background. */
    static final int DESCRIPTION_WORDS = 40;
    static final float TITLE_WEIGHT = 3f;

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPLIT = Pattern.compile("[^\\p{L}\\p{Nd}]+");
    private static final Pattern POSSESSIVE = Pattern.compile("['’]s\\b");

    /** Lucene's English stop set plus pronouns, auxiliaries and the filler words of headlines. */
    static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
            "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to",
            "was", "will", "with",
            "he", "she", "his", "her", "its", "we", "our", "you", "your", "i", "me", "my", "them", "him", "us",
            "has", "have", "had", "been", "were", "would", "could", "should", "can", "may", "might", "do", "does",
            "did", "than", "so", "too", "very", "just", "also", "about", "after", "before", "over", "under", "amid",
            "from", "up", "out", "off", "down", "more", "most", "some", "all", "any", "what", "why", "how", "who",
            "when", "where", "which", "while", "new", "says", "said", "say", "news", "live", "update", "updates",
            "latest", "breaking", "watch", "video", "report", "reports", "reported", "according", "here", "now",
            "first", "one", "two", "year", "years", "week", "day", "today", "time", "back", "get", "gets", "set",
            "amp", "quot", "nbsp", "s", "t");

    private final SnowballStemmer stemmer = new SnowballStemmer(SnowballStemmer.ALGORITHM.ENGLISH);
    private final float titleWeight;
    private final int descriptionWords;

    public StoryText() {
        this(TITLE_WEIGHT, DESCRIPTION_WORDS);
    }

    StoryText(float titleWeight, int descriptionWords) {
        this.titleWeight = titleWeight;
        this.descriptionWords = descriptionWords;
    }

    /** Term → weight for an article. */
    public Map<String, Float> terms(Article article) {
        return terms(article.title(), article.description());
    }

    public Map<String, Float> terms(String title, String description) {
        Map<String, Float> terms = new HashMap<>();
        boolean hasTitle = title != null && !Article.NO_TITLE.equals(title);
        boolean hasDescription = description != null && !Article.NO_DESCRIPTION.equals(description);
        if (hasTitle) add(terms, title, titleWeight, Integer.MAX_VALUE);
        if (hasDescription) add(terms, description, 1f, descriptionWords);
        return terms;
    }

    private void add(Map<String, Float> terms, String text, float weight, int maxWords) {
        int words = 0;
        for (String word : words(text)) {
            if (word.isEmpty()) continue;
            if (++words > maxWords) break;
            if (STOP_WORDS.contains(word)) continue;
            boolean number = Character.isDigit(word.charAt(0));
            if (!number && word.length() < 2) continue;
            String term = number ? word : stemmer.stem(word).toString();
            if (!number && STOP_WORDS.contains(term)) continue;
            terms.merge(term, weight, Float::sum);
        }
    }

    /** The normalised words of a text, in order. */
    static String[] words(String text) {
        String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("");
        folded = POSSESSIVE.matcher(folded.toLowerCase(Locale.ROOT)).replaceAll("");
        return SPLIT.split(folded);
    }
}
