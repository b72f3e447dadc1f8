package dev.newsstream.store.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.store.entity.ArticleQuery;
import dev.newsstream.store.entity.CacheSnapshot;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.SourceState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory shelves: per source its newest {@code newsstream.store.max-per-source} articles, and the
 * reads made of them (pages of {@code /news}, a stream's snapshot). Reads never lock and never touch the
 * database. {@link #version()} is bumped on every change, so a reader can cache what it built from a
 * snapshot (an {@code initial} frame serialised once) until the version moves.
 */
@ApplicationScoped
public class ArticleShelves {

    @Inject
    StorageSettings settings;

    @Inject
    FetchStates states;

    private final Map<String, SourceShelf> shelves = new ConcurrentHashMap<>();
    /** Shelves of sources removed with their articles kept: served, never fetched, emptied by retention. */
    private final Set<String> retired = ConcurrentHashMap.newKeySet();
    private final AtomicLong version = new AtomicLong();
    private volatile Instant lastUpdated;

    /** Bumped on each applied fetch record and each retention drop: cheap to read, never goes back. */
    public long version() {
        return version.get();
    }

    /** Merges numbered articles of one source in; returns those that are new here, in ascending id. */
    List<LoggedArticle> merge(String source, Collection<LoggedArticle> articles) {
        List<LoggedArticle> added = shelf(source).merge(articles, settings.maxPerSource());
        lastUpdated = Instant.now();
        version.incrementAndGet();
        return added;
    }

    /** At start-up: a source's articles as the database holds them. */
    void load(String source, List<LoggedArticle> articles) {
        if (!articles.isEmpty()) shelf(source).load(articles, settings.maxPerSource());
        version.incrementAndGet();
    }

    void warmedLastUpdated(Instant at) {
        lastUpdated = at;
    }

    /** Bumps the version for a change made elsewhere that readers of a snapshot see (a source's state). */
    void touched() {
        version.incrementAndGet();
    }

    /** The id this source's shelf knows the article by, 0 if it is new. */
    long idOf(String source, Article article) {
        SourceShelf shelf = shelves.get(source);
        return shelf == null ? 0 : shelf.idOf(article);
    }

    int sizeOf(String source) {
        SourceShelf shelf = shelves.get(source);
        return shelf == null ? 0 : shelf.size();
    }

    /** Drops every article published before {@code cutoff}; returns how many. */
    int dropPublishedBefore(Instant cutoff) {
        int dropped = 0;
        for (SourceShelf shelf : shelves.values()) dropped += shelf.dropPublishedBefore(cutoff);
        // a removed source's shelf that retention emptied is gone for good: nothing will fill it again
        for (String name : retired) {
            SourceShelf shelf = shelves.get(name);
            if (shelf == null || shelf.size() == 0) remove(name);
        }
        if (dropped > 0) version.incrementAndGet();
        return dropped;
    }

    /** The source was removed with its articles kept: its shelf stays, served like the others (see snapshot). */
    void retire(String source) {
        if (shelves.containsKey(source)) retired.add(source);
        version.incrementAndGet();
    }

    /** A source of this name was added (again): its shelf is a configured source's shelf from now on. */
    void adopt(String source) {
        if (retired.remove(source)) version.incrementAndGet();
    }

    private SourceShelf shelf(String source) {
        return shelves.computeIfAbsent(source, n -> new SourceShelf());
    }

    /** A removed source's shelf leaves memory. */
    void remove(String source) {
        retired.remove(source);
        if (shelves.remove(source) != null) version.incrementAndGet();
    }

    public List<Article> articlesOf(String source) {
        SourceShelf shelf = shelves.get(source);
        return shelf == null ? List.of() : shelf.articles();
    }

    public int count() {
        return shelves.values().stream().mapToInt(s -> s.articles().size()).sum();
    }

    public int sources() {
        return shelves.size();
    }

    public Optional<Instant> lastUpdated() {
        return Optional.ofNullable(lastUpdated);
    }

    /** One page of the matching articles of every source, newest first, and how many match in all. */
    public ArticleStore.Page page(ArticleQuery query, int offset, int limit) {
        List<List<Article>> matching = new ArrayList<>(shelves.size());
        int total = 0;
        boolean all = query.matchesAll();
        for (SourceShelf shelf : shelves.values()) {
            List<Article> found = all ? shelf.articles() : new ArrayList<>();
            if (!all) for (Article a : shelf.articles()) if (query.test(a)) found.add(a);
            if (!found.isEmpty()) {
                matching.add(found);
                total += found.size();
            }
        }
        return new ArticleStore.Page(newestFirst(matching, offset, limit), total);
    }

    /**
     * Articles {@code skip} to {@code skip + count} of several lists that are each newest first, merged:
     * only as many as the page needs are compared, so a page of 50 out of 100,000 cached articles costs
     * what 50 do, not a sort of 100,000.
     */
    static List<Article> newestFirst(List<List<Article>> sortedLists, int skip, int count) {
        long wanted = Math.min((long) skip + count, sortedLists.stream().mapToLong(List::size).sum());
        if (wanted <= skip) return List.of();
        PriorityQueue<int[]> heads = new PriorityQueue<>((x, y) ->
                SourceShelf.NEWEST_FIRST.compare(sortedLists.get(x[0]).get(x[1]), sortedLists.get(y[0]).get(y[1])));
        for (int i = 0; i < sortedLists.size(); i++) if (!sortedLists.get(i).isEmpty()) heads.add(new int[] {i, 0});
        List<Article> page = new ArrayList<>((int) Math.min(wanted - skip, 10_000));
        for (long taken = 0; taken < wanted; taken++) {
            int[] head = heads.poll();
            List<Article> list = sortedLists.get(head[0]);
            if (taken >= skip) page.add(list.get(head[1]));
            if (++head[1] < list.size()) heads.add(head);
        }
        return page;
    }

    /**
     * The cache's view of these sources for a stream's {@code initial} frame and its freshness decision,
     * with the kept articles of removed sources that are in {@code category} (all of them if it is null):
     * those are shown as {@code /news} shows them, but no fetch waits for them and freshness ignores them.
     */
    public CacheSnapshot snapshot(List<Source> sources, String category, Duration freshFor, int limit) {
        Set<String> names = new HashSet<>();
        List<SourceStat> stats = new ArrayList<>();
        Instant now = Instant.now();
        Instant oldestCheck = null;
        boolean everyoneChecked = !sources.isEmpty();
        for (Source source : sources) {
            names.add(source.name());
            SourceState state = states.known(source.name());
            if (state == null || state.stat().lastChecked() == null) {
                everyoneChecked = false;
                continue;
            }
            stats.add(state.stat());
            Instant checked = state.stat().lastChecked();
            if (oldestCheck == null || checked.isBefore(oldestCheck)) oldestCheck = checked;
        }
        List<List<Article>> lists = new ArrayList<>();
        int total = 0;
        for (String name : names) {
            List<Article> of = articlesOf(name);
            if (!of.isEmpty()) {
                lists.add(of);
                total += of.size();
            }
        }
        Double age = oldestCheck == null ? null : Duration.between(oldestCheck, now).toMillis() / 1000.0;
        boolean fresh = everyoneChecked && total > 0 && age != null && age < freshFor.toMillis() / 1000.0;
        for (String name : retired) {
            if (names.contains(name)) continue;
            List<Article> of = articlesOf(name);
            if (category != null && !category.isBlank()) of = of.stream().filter(a -> category.equals(a.category())).toList();
            if (!of.isEmpty()) {
                lists.add(of);
                total += of.size();
            }
        }
        return new CacheSnapshot(List.copyOf(newestFirst(lists, 0, limit)), total, stats, age, fresh);
    }
}
