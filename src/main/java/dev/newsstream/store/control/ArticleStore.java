package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.store.entity.ArticleQuery;
import dev.newsstream.store.entity.CacheSnapshot;
import dev.newsstream.store.entity.FetchRecord;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.SourceState;
import dev.newsstream.store.entity.StorageStatus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The store's front door and its life: start-up (schema, warming, numbering, the writer) and the
 * recording of a fetch; reads are passed on to the part that keeps them (see package-info).
 *
 * <p>Recording a fetch ({@link #recordFetch}) never waits on the database: under one lock, the new
 * articles (those the source's shelf does not hold) are numbered ({@link ArrivalNumbering}, step 1) and
 * the numbered {@link FetchRecord} is delivered ({@link FetchRecordDelivery}, step 2: memory and live
 * streams); then its database write is queued ({@link WriteBehind}) and the fetch task goes on.
 */
@ApplicationScoped
public class ArticleStore {

    private static final Logger LOG = Logger.getLogger(ArticleStore.class.getName());

    @Inject
    StorageSettings settings;

    @Inject
    NewsDatabase database;

    @Inject
    ArticleShelves shelves;

    @Inject
    FetchStates states;

    @Inject
    Arrivals arrivals;

    @Inject
    StoreWarming warming;

    @Inject
    dev.newsstream.story.control.Stories stories;

    @Inject
    StoreRetention retention;

    @Inject
    LocalArrivalNumbering localNumbering;

    @Inject
    ArrivalNumbering numbering;

    @Inject
    FetchRecordDelivery delivery;

    @Inject
    WriteBehind writeBehind;

    private final Object recordLock = new Object();
    /** Sources removed with articles=drop in this life (until added again): a fetch that ends late records nothing. */
    private final java.util.Set<String> dropped = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up migrates the schema and warms the cache during deployment, before the first request
    }

    @PostConstruct
    void start() {
        long started = System.nanoTime();
        database.migrate();
        try {
            long lastId = localNumbering.start();
            warming.warm(Math.max(lastId, numbering.startedAfter()));
        } catch (RuntimeException e) {
            throw new StorageUnavailableException("newsstream cannot start: reading the database "
                    + settings.displayUrl() + " failed: " + NewsDatabase.reason(e, settings.password()));
        }
        delivery.open(); // before any fetch here: a record of another instance never lands on a cold store
        writeBehind.start();
        long startupMillis = (System.nanoTime() - started) / 1_000_000;
        writeBehind.startedIn(startupMillis);
        LOG.info(() -> "Storage ready in " + startupMillis + " ms: " + count() + " articles of " + shelves.sources()
                + " sources in memory, " + states.count() + " source states, arrivals numbered after "
                + arrivals.lastSequence());
    }

    @PreDestroy
    void stop() {
        writeBehind.stop();
        database.close(); // after the last write: CDI destroys beans in no promised order
    }

    /**
     * Records one fetch of a source: its articles ({@code null} when the fetch failed), the validators of
     * its URLs, and its new state, made from the number of articles cached after the merge. Memory and
     * live streams at once; the database write is queued, never waited for. Returns the source's cached
     * articles, newest first.
     */
    public List<Article> recordFetch(Source source, List<Article> articles, Map<URI, ConditionalHeaders> urlValidators,
                                     IntFunction<SourceState> stateForCount) {
        long started = System.nanoTime();
        Map<String, ConditionalHeaders> validators = new LinkedHashMap<>();
        urlValidators.forEach((url, headers) -> validators.put(url.toString(), headers));
        FetchRecord record;
        synchronized (recordLock) { // numbering and delivery in one order: the arrival log takes growing ids
            if (dropped.contains(source.name())) return List.of(); // removed while its fetch ended
            List<LoggedArticle> known = new ArrayList<>();
            List<Article> fresh = new ArrayList<>();
            if (articles != null) {
                for (Article a : keepable(articles)) {
                    long id = shelves.idOf(source.name(), a);
                    if (id > 0) known.add(new LoggedArticle(id, a));
                    else fresh.add(a);
                }
            }
            fresh.sort(SourceShelf.NEWEST_FIRST.reversed()); // oldest first: the newest gets the highest id
            List<LoggedArticle> arrived = new ArrayList<>(fresh.size());
            if (!fresh.isEmpty()) {
                long first = numbering.next(fresh.size());
                for (int i = 0; i < fresh.size(); i++) arrived.add(new LoggedArticle(first + i, fresh.get(i)));
            }
            int count = Math.min(settings.maxPerSource(), shelves.sizeOf(source.name()) + arrived.size());
            record = new FetchRecord(source.name(), articles != null, arrived, known, stateForCount.apply(count),
                    validators);
            delivery.deliver(record);
            // queued under the lock too (it never waits): a drop of this source comes wholly after it, so the
            // writer's purge of the source follows this write
            writeBehind.submit(SourceWrite.of(record));
        }
        writeBehind.recorded(System.nanoTime() - started);
        return shelves.articlesOf(source.name());
    }

    /**
     * A source was removed. With {@code dropArticles} its articles leave memory (its shelf, its fetch
     * state, the arrival log a resuming stream replays; the catalog deleted their rows with the removal);
     * otherwise its articles stay, served as before (and again after a restart, see StoreWarming) until
     * retention removes them, and never fetched again.
     */
    public void forget(String source, boolean dropArticles) {
        if (!dropArticles) {
            shelves.retire(source);
            return;
        }
        synchronized (recordLock) { // a record of this source is either whole before this or refused after it
            dropped.add(source);
        }
        shelves.remove(source);
        states.remove(source);
        arrivals.forget(source);
        stories.dropped(source);
        writeBehind.purge(source); // the catalog deleted its rows with the removal; a write in flight must not restore them
    }

    /** A source was added: a shelf kept of an earlier source of that name is its own from now on. */
    public void adopt(String source) {
        dropped.remove(source);
        shelves.adopt(source);
    }

    /** What is worth keeping of a fetch: not past the retention age, at most the newest max-per-source. */
    private List<Article> keepable(List<Article> fetched) {
        Instant cutoff = retention.cutoff();
        Map<String, Article> byKey = new LinkedHashMap<>();
        for (Article a : fetched) if (!a.published().isBefore(cutoff)) byKey.merge(SourceShelf.keyOf(a), a, SourceShelf::updated);
        List<Article> kept = new ArrayList<>(byKey.values());
        if (kept.size() > settings.maxPerSource()) {
            kept.sort(SourceShelf.NEWEST_FIRST);
            return List.copyOf(kept.subList(0, settings.maxPerSource()));
        }
        return kept;
    }

    // ------------------------------------------------------------------ reads, answered by the parts that keep them

    /** The live fan-out may subscribe here; prefer an {@link ArrivalListener} bean. Must not block. */
    public void onNewArticles(Consumer<List<LoggedArticle>> listener) {
        arrivals.onNewArticles(listener);
    }

    /** The number of the newest article to arrive: what a stream is up to date with. */
    public long lastSequence() {
        return arrivals.lastSequence();
    }

    /** Whether a stream can resume from this event id without losing articles. */
    public boolean canResumeFrom(long sequence) {
        return arrivals.canResumeFrom(sequence);
    }

    /** Up to {@code max} articles that arrived after {@code sequence} and match; null if it fell off the log. */
    public ArrivalPage arrivedAfter(long sequence, int max, Predicate<Article> filter) {
        return arrivals.after(sequence, max, filter);
    }

    /** Articles found after a cursor, and the cursor to continue from. */
    public record ArrivalPage(List<LoggedArticle> articles, long cursor) {
    }

    /** A page of articles and the number there are in all. */
    public record Page(List<Article> articles, int total) {
    }

    public List<Article> articlesOf(String source) {
        return shelves.articlesOf(source);
    }

    /** Matching articles of every source, newest first. */
    public List<Article> query(ArticleQuery query) {
        return shelves.page(query, 0, Integer.MAX_VALUE).articles();
    }

    /** One page of the matching articles of every source, newest first, and how many match in all. */
    public Page page(ArticleQuery query, int offset, int limit) {
        return shelves.page(query, offset, limit);
    }

    /**
     * The cache's view of these sources for a stream's {@code initial} frame and its freshness decision,
     * with the articles kept of removed sources in {@code category} (null: every category).
     */
    public CacheSnapshot snapshot(List<Source> sources, String category, Duration freshFor, int limit) {
        return shelves.snapshot(sources, category, freshFor, limit);
    }

    /** Bumped on every change of memory: a snapshot built at one version holds until it moves. */
    public long version() {
        return shelves.version();
    }

    public int count() {
        return shelves.count();
    }

    public SourceState state(Source source) {
        return states.state(source);
    }

    public ConditionalHeaders validators(URI url) {
        return states.validators(url);
    }

    public Optional<Instant> lastUpdated() {
        return shelves.lastUpdated();
    }

    /** How storage is doing, for readiness and metrics: reads fields only, never the database. */
    public StorageStatus storage() {
        return writeBehind.status();
    }
}
