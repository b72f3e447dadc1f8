package dev.newsstream.story.control;

import dev.newsstream.story.entity.Report;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Groups arriving articles into stories, one article at a time, at a bounded cost each.
 *
 * <p>An article joins the story most similar to it (cosine of TF-IDF weighted stems against the story's
 * summed terms) if that similarity reaches the threshold and the story's newest article is within the
 * window of its publication time; otherwise it starts a story of its own. Candidates come from an
 * inverted index term → stories in the window: terms carried by more than {@code maxPostings} stories say
 * nothing and are skipped, and only the {@code candidates} best-scoring stories are compared in full, so
 * one article costs at most (its terms × maxPostings) index steps plus (candidates × a story's terms).
 * A story's terms come from its first {@link #CENTROID_MEMBERS} articles, which bounds the latter.
 *
 * <p>A story's id is derived from the key of the article that started it, so grouping the same articles
 * in the same order gives the same ids, in this process or after a restart. An article never changes
 * story. Stories whose newest article is older than the window (measured on the newest publication time
 * seen, not the wall clock) leave the index; their memberships are forgotten {@code remember} later.
 *
 * <p>Not thread-safe for writers: one writer at a time ({@link Stories} holds the lock). Readers may call
 * {@link #storyOf} from any thread at any time: it reads a concurrent map and immutable member lists.
 */
public final class StoryIndex {

    /** How many of a story's articles make up its terms: enough to know the event, bounded per comparison. */
    static final int CENTROID_MEMBERS = 12;

    public record Settings(Duration window, double threshold, int candidates, int maxPostings, Duration remember) {
    }

    /**
     * A story: its id, and the first article of each source in the order they joined (replaced, never
     * mutated, so readers need no lock). Further articles of a source already in it are counted only:
     * a source that posts a hundred updates on one event costs no more than one.
     */
    public static final class Story {
        private final String id;
        private volatile List<Report> members;
        private volatile int articles = 1;
        private final List<String> refs = new ArrayList<>(1); // every article's ref, to forget them (writer only)
        private final Map<String, Float> terms = new HashMap<>();
        private Instant newest;
        private Instant oldest;
        private long newestMillis;
        private long oldestMillis;
        private long round;   // scratch of bestMatch (one writer): the round its score belongs to
        private double score;
        private double norm;  // of its TF-IDF vector, made again when its terms change or the index grew by 1/8
        private int normFor = -1;

        Story(String id, Report first) {
            this.id = id;
            this.members = List.of(first);
            this.refs.add(first.articleRef());
            this.newest = first.published();
            this.oldest = first.published();
            this.newestMillis = newest.toEpochMilli();
            this.oldestMillis = oldest.toEpochMilli();
        }

        public String id() {
            return id;
        }

        /** The first article of each source, in the order they joined; the first started the story. */
        public List<Report> members() {
            return members;
        }

        /** How many articles joined it, counting every article of a source. */
        public int articles() {
            return articles;
        }

        public Instant newest() {
            return newest;
        }
    }

    private final Settings settings;
    private final Map<String, Story> byArticle = new ConcurrentHashMap<>();
    private final Map<String, Set<Story>> postings = new HashMap<>();
    private final TreeSet<Story> inWindow = new TreeSet<>(Comparator.comparing((Story s) -> s.newest).thenComparing(s -> s.id));
    private final Deque<Story> remembered = new ArrayDeque<>();
    private Instant clock = Instant.EPOCH;
    private long rounds;

    public StoryIndex(Settings settings) {
        this.settings = settings;
    }

    /** The story an article belongs to, if it was grouped and is still remembered. Any thread. */
    public Optional<Story> storyOf(String source, String key) {
        return Optional.ofNullable(byArticle.get(Report.ref(source, key)));
    }

    /** Whether this article was grouped already (a re-fetch): then {@link #add} would change nothing. */
    public boolean knows(Report report) {
        return byArticle.containsKey(report.articleRef());
    }

    /** Stories in the window now. */
    public int stories() {
        return inWindow.size();
    }

    /** Articles whose story is remembered now. */
    public int articles() {
        return byArticle.size();
    }

    /** Puts an article into its story (an existing one, or a new one it starts) and returns that story. */
    public Story add(Report report, Map<String, Float> terms) {
        Story known = byArticle.get(report.articleRef());
        if (known != null) return known;
        if (report.published().isAfter(clock)) {
            clock = report.published();
            forgetOlderThan(clock.minus(settings.window()));
        }
        Story best = bestMatch(report.published(), terms);
        if (best == null) {
            Story story = new Story(idFor(report), report);
            byArticle.put(report.articleRef(), story);
            addTerms(story, terms);
            if (!story.newest.isBefore(clock.minus(settings.window()))) inWindow.add(story);
            else remembered.addLast(story);
            return story;
        }
        inWindow.remove(best);
        int joined = ++best.articles;
        best.refs.add(report.articleRef());
        if (best.members.stream().noneMatch(r -> r.source().equals(report.source()))) {
            List<Report> members = new ArrayList<>(best.members.size() + 1);
            members.addAll(best.members);
            members.add(report);
            best.members = List.copyOf(members);
        }
        if (report.published().isAfter(best.newest)) {
            best.newest = report.published();
            best.newestMillis = best.newest.toEpochMilli();
        }
        if (report.published().isBefore(best.oldest)) {
            best.oldest = report.published();
            best.oldestMillis = best.oldest.toEpochMilli();
        }
        if (joined <= CENTROID_MEMBERS) addTerms(best, terms);
        inWindow.add(best);
        byArticle.put(report.articleRef(), best);
        return best;
    }

    private Story bestMatch(Instant published, Map<String, Float> terms) {
        if (terms.isEmpty() || inWindow.isEmpty()) return null;
        int n = inWindow.size();
        long round = ++rounds;
        long earliest = published.minus(settings.window()).toEpochMilli();
        long latest = published.plus(settings.window()).toEpochMilli();
        List<Story> touched = new ArrayList<>(256);
        for (Map.Entry<String, Float> term : terms.entrySet()) {
            Set<Story> holders = postings.get(term.getKey());
            if (holders == null || holders.size() > settings.maxPostings()) continue;
            double weight = term.getValue() * idf(n, holders.size());
            for (Story s : holders) {
                if (s.newestMillis < earliest || s.oldestMillis > latest) continue;
                if (s.round != round) {
                    s.round = round;
                    s.score = 0;
                    touched.add(s);
                }
                s.score += weight;
            }
        }
        if (touched.isEmpty()) return null;
        // the best few by shared weight, kept in a small heap: no sort of every story that shares a word
        PriorityQueue<Story> ranked = new PriorityQueue<>(settings.candidates() + 1,
                Comparator.comparingDouble((Story s) -> s.score));
        for (Story s : touched) {
            if (ranked.size() < settings.candidates()) ranked.add(s);
            else if (s.score > ranked.peek().score) {
                ranked.poll();
                ranked.add(s);
            }
        }
        double articleNorm = norm(terms, n);
        Story best = null;
        double bestSimilarity = settings.threshold();
        for (Story candidate : ranked) {
            double similarity = cosine(terms, articleNorm, candidate, n);
            if (similarity > bestSimilarity || (similarity == bestSimilarity && best == null)) {
                bestSimilarity = similarity;
                best = candidate;
            }
        }
        return best;
    }

    private double cosine(Map<String, Float> terms, double articleNorm, Story story, int n) {
        double dot = 0;
        for (Map.Entry<String, Float> term : terms.entrySet()) {
            Float inStory = story.terms.get(term.getKey());
            if (inStory == null) continue;
            Set<Story> holders = postings.get(term.getKey());
            double idf = idf(n, holders == null ? 1 : holders.size());
            dot += term.getValue() * inStory * idf * idf;
        }
        if (dot == 0) return 0;
        if (story.normFor < 0 || Math.abs(story.normFor - n) * 8 > n) {
            story.norm = norm(story.terms, n);
            story.normFor = n;
        }
        return dot / (articleNorm * story.norm);
    }

    private double norm(Map<String, Float> terms, int n) {
        double sum = 0;
        for (Map.Entry<String, Float> term : terms.entrySet()) {
            Set<Story> holders = postings.get(term.getKey());
            double w = term.getValue() * idf(n, holders == null ? 1 : Math.max(1, holders.size()));
            sum += w * w;
        }
        return Math.sqrt(sum);
    }

    /** Rare terms weigh more; smoothed so a near-empty index does not weigh everything alike at zero. */
    private static double idf(int stories, int holding) {
        return Math.log(1.0 + (stories + 1.0) / holding);
    }

    private void addTerms(Story story, Map<String, Float> terms) {
        story.normFor = -1;
        terms.forEach((term, weight) -> {
            if (story.terms.merge(term, weight, Float::sum).equals(weight)) {
                postings.computeIfAbsent(term, t -> new LinkedHashSet<>()).add(story);
            }
        });
    }

    /** Stories past the window leave the index; stories past {@code remember} are forgotten altogether. */
    private void forgetOlderThan(Instant windowStart) {
        while (!inWindow.isEmpty() && inWindow.first().newest.isBefore(windowStart)) {
            Story old = inWindow.pollFirst();
            for (String term : old.terms.keySet()) {
                Set<Story> holders = postings.get(term);
                if (holders != null && holders.remove(old) && holders.isEmpty()) postings.remove(term);
            }
            old.terms.clear();
            remembered.addLast(old);
        }
        Instant forgetBefore = clock.minus(settings.remember());
        while (!remembered.isEmpty() && remembered.peekFirst().newest.isBefore(forgetBefore)) {
            for (String ref : remembered.pollFirst().refs) byArticle.remove(ref);
        }
    }

    /** A story's id: from the source and key of the article that started it, the same in every process. */
    public static String idFor(Report first) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((first.source() + '\n' + first.key()).getBytes(StandardCharsets.UTF_8));
            return "st-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A source's articles were dropped (its removal with articles=drop): they leave every story they were
     * in (the story keeps its id and terms) and are no longer known, so nobody names that source as
     * "also reported by" any more. Returns how many articles were forgotten. Writer only; a scan of the
     * index, for an operator's request.
     */
    public int forgetSource(String source) {
        String prefix = Report.ref(source, "");
        Set<Story> touched = new HashSet<>();
        int forgotten = 0;
        for (var it = byArticle.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Story> e = it.next();
            if (!e.getKey().startsWith(prefix)) continue;
            touched.add(e.getValue());
            it.remove();
            forgotten++;
        }
        for (Story story : touched) {
            story.members = story.members.stream().filter(r -> !r.source().equals(source)).toList();
            story.refs.removeIf(ref -> ref.startsWith(prefix));
        }
        return forgotten;
    }

    /** The distinct terms of the index, for tests and figures. */
    int indexedTerms() {
        return postings.size();
    }
}
