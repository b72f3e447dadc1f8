package dev.newsstream.story.control;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.story.entity.AlsoReported;
import dev.newsstream.story.entity.Report;
import dev.newsstream.story.entity.StoryPage;
import dev.newsstream.story.entity.StoryView;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One story, many sources: puts every article the store takes into a story as it arrives, and tells
 * whoever shows articles which story each belongs to and who else reported it.
 *
 * <p>Writers ({@link #arrived}, from fetch tasks; {@link #rebuild}, at start-up) take one lock, and pay
 * a bounded amount per new article (see {@link StoryIndex}); an article already grouped costs one map
 * lookup. Readers ({@link #decorate}, {@link #group}) never take it: request threads and stream writers
 * never wait for grouping.
 */
@ApplicationScoped
public class Stories {

    private static final Logger LOG = Logger.getLogger(Stories.class.getName());

    /** The similarity an article needs to join a story; chosen on the labelled set (StoryQualityTest). */
    public static final double DEFAULT_THRESHOLD = 0.4;

    /** At most this many other sources are named per article: a frame stays small for a story everyone covers. */
    static final int MAX_ALSO_REPORTED = 16;

    @Inject
    StorySettings settings;

    @Inject
    SourceCatalog catalog;

    private StoryIndex index;
    private final StoryText text = new StoryText(); // guarded by index: the stemmer keeps state

    @PostConstruct
    void start() {
        index = new StoryIndex(settings.index());
    }

    /**
     * Groups new articles, in the order they arrived (their arrival numbers): the first of a story gives
     * it its id. Articles grouped before cost a lookup.
     */
    public void arrived(List<Article> inArrivalOrder) {
        List<Article> fresh = new ArrayList<>();
        for (Article a : inArrivalOrder) if (!index.knows(report(a))) fresh.add(a);
        if (fresh.isEmpty()) return;
        Instant now = Instant.now();
        synchronized (index) {
            for (Article a : fresh) {
                Report r = report(a);
                // a feed's date in the future must not move the window's clock ahead of real time
                if (r.published().isAfter(now)) r = new Report(r.source(), r.key(), r.title(), r.link(), now);
                index.add(r, text.terms(a));
            }
        }
    }

    /**
     * At start-up, with the articles read back from the database in arrival order (by id): groups them
     * again as they first arrived, so each story gets back the id it had (from its first article's key).
     */
    public void rebuild(List<Article> inArrivalOrder) {
        long started = System.nanoTime();
        List<Article> all = inArrivalOrder;
        arrived(all);
        long ms = (System.nanoTime() - started) / 1_000_000;
        LOG.info(() -> "Stories: " + all.size() + " articles grouped again in " + ms + " ms; " + index.stories()
                + " stories in the window");
    }

    /** The article as it goes out: with its story's id and the other sources that reported the story. */
    public Article decorate(Article article) {
        Report self = report(article);
        Optional<StoryIndex.Story> story = index.storyOf(self.source(), self.key());
        if (story.isEmpty()) return article.inStory(StoryIndex.idFor(self), List.of());
        return article.inStory(story.get().id(), others(story.get().members(), article.source()));
    }

    public List<Article> decorate(List<Article> articles) {
        List<Article> out = new ArrayList<>(articles.size());
        for (Article a : articles) out.add(decorate(a));
        return out;
    }

    /**
     * One page of stories made from matching articles (newest first): each story once, where its newest
     * matching article stands, with every source's article of the story.
     */
    public StoryPage group(List<Article> newestFirst, int offset, int limit) {
        Map<String, Article> leads = new LinkedHashMap<>();
        for (Article a : newestFirst) {
            Article placed = decorate(a);
            leads.putIfAbsent(placed.storyId(), placed);
        }
        List<StoryView> page = new ArrayList<>();
        int i = 0;
        for (Article lead : leads.values()) {
            if (i++ < offset) continue;
            if (page.size() >= limit) break;
            List<AlsoReported> reports = new ArrayList<>();
            reports.add(reportOf(lead.source(), lead.title(), lead.link(), lead.published()));
            reports.addAll(lead.alsoReportedBy());
            Set<String> sources = new LinkedHashSet<>();
            reports.forEach(r -> sources.add(r.source()));
            page.add(new StoryView(lead.storyId(), lead.title(), lead.link(), lead.description(), lead.published(),
                    lead.image(), lead.category(), lead.source(), List.copyOf(sources), reports));
        }
        return new StoryPage(page, leads.size(), limit, offset);
    }

    /** A removed source's articles were dropped: no story names it any more (see StoryIndex#forgetSource). */
    public void dropped(String source) {
        int forgotten;
        synchronized (index) {
            forgotten = index.forgetSource(source);
        }
        LOG.info(() -> "Stories: " + forgotten + " articles of dropped source " + source + " forgotten");
    }

    /** Stories in the window now, and articles whose story is remembered: for figures. */
    public int stories() {
        return index.stories();
    }

    public int groupedArticles() {
        return index.articles();
    }

    private List<AlsoReported> others(List<Report> members, String ownSource) {
        Map<String, AlsoReported> bySource = new LinkedHashMap<>();
        for (Report r : members) {
            if (r.source().equals(ownSource) || bySource.containsKey(r.source())) continue;
            if (bySource.size() >= MAX_ALSO_REPORTED) break;
            bySource.put(r.source(), reportOf(r.source(), r.title(), r.link(), r.published()));
        }
        return List.copyOf(bySource.values());
    }

    private AlsoReported reportOf(String source, String title, String link, Instant published) {
        Optional<Source> known = catalog.byName(source);
        return new AlsoReported(source, title, link, published, known.map(Source::biasRating).orElse(""),
                known.map(Source::fundingType).orElse(""), known.map(Source::country).orElse(""));
    }

    static Report report(Article a) {
        return new Report(a.source(), keyOf(a), a.title(), a.link(), a.published());
    }

    /** The store's identity of an article within its source (as its shelf de-duplicates). */
    static String keyOf(Article a) {
        return a.key() != null && !a.key().isBlank() ? a.key() : a.title() + "|" + a.published();
    }
}
