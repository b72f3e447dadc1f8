package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.ops.control.NewsMetrics;
import dev.newsstream.store.entity.ArticleQuery;
import dev.newsstream.store.entity.CacheSnapshot;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.SourceState;
import dev.newsstream.store.entity.StorageStatus;
import dev.newsstream.store.entity.StoredSourceState;
import dev.newsstream.store.entity.StoredValidator;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The article cache and the fetch state of every source: the one seam behind which storage lives.
 *
 * <p>Reads answer from memory, never from the database and never waiting on background work: per
 * source its newest {@code newsstream.store.max-per-source} articles, each source's state, and the
 * arrival log of live streams. Memory is warmed from the database at start-up, after Flyway has brought
 * the schema up to date; a database that cannot be reached then fails the deployment.
 *
 * <p>Writes come from fetch tasks ({@link #recordFetch}), never from request threads: memory is updated
 * at once, then the {@link StoreWriter}'s one thread stores the source's articles, state and validators
 * in one transaction and the fetch task waits (bounded) until the new articles are committed and
 * numbered with their database ids, the arrival numbers of live streams and {@code Last-Event-ID}.
 * While the database is down, memory goes on serving and taking fetches; the writes wait and are
 * written when it returns.
 */
@ApplicationScoped
public class ArticleStore {

    private static final Logger LOG = Logger.getLogger(ArticleStore.class.getName());

    @Inject
    StorageSettings settings;

    @Inject
    NewsDatabase database;

    @Inject
    ArticleRepository repository;

    @Inject
    SourceCatalog catalog;

    @Inject
    NewsMetrics metrics;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    private ArrivalLog arrivals;
    private StoreWriter writer;
    private final List<ScheduledFuture<?>> ticks = new ArrayList<>();
    private volatile Instant retentionRanAt;
    private volatile int retentionDeleted;
    private volatile long startupMillis;

    private final Map<String, SourceShelf> shelves = new ConcurrentHashMap<>();
    private final Map<String, SourceState> states = new ConcurrentHashMap<>();
    private final Map<URI, ConditionalHeaders> validators = new ConcurrentHashMap<>();
    private final List<Consumer<List<LoggedArticle>>> newArticleListeners = new CopyOnWriteArrayList<>();
    private volatile Instant lastUpdated;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up migrates the schema and warms the cache during deployment, before the first request
    }

    @PostConstruct
    void start() {
        long started = System.nanoTime();
        arrivals = new ArrivalLog(settings.logSize());
        database.migrate();
        try {
            warm();
        } catch (RuntimeException e) {
            throw new StorageUnavailableException("newsstream cannot start: reading the database "
                    + settings.displayUrl() + " failed: " + NewsDatabase.reason(e, settings.password()));
        }
        writer = new StoreWriter(repository::write, this::committed, this::applyRetention, database::ping,
                settings.maxPerSource(), settings.password());
        writer.start(threads);
        long retry = Math.max(100, settings.retryInterval().toMillis());
        ticks.add(scheduler.scheduleWithFixedDelay(writer::check, retry, retry, TimeUnit.MILLISECONDS));
        long every = Math.max(1000, settings.retentionInterval().toMillis());
        ticks.add(scheduler.scheduleWithFixedDelay(writer::requestRetention, Math.min(every, 60_000), every,
                TimeUnit.MILLISECONDS));
        metrics.gauge("newsstream_store_database_up", "1 while the database takes writes, 0 while writes wait",
                () -> writer.health().up() ? 1 : 0);
        metrics.gauge("newsstream_store_pending_writes", "Source writes waiting for the database", writer::pendingWrites);
        metrics.gauge("newsstream_store_transactions", "Source writes committed since start", writer::transactions);
        metrics.gauge("newsstream_store_failed_writes", "Source writes that failed (and waited) since start",
                writer::failures);
        startupMillis = (System.nanoTime() - started) / 1_000_000;
        LOG.info(() -> "Storage ready in " + startupMillis + " ms: " + count() + " articles of " + shelves.size()
                + " sources in memory, " + states.size() + " source states, arrivals numbered after "
                + arrivals.lastSequence());
    }

    @PreDestroy
    void stop() {
        ticks.forEach(t -> t.cancel(false));
        if (writer != null) writer.stop(settings.shutdownFlush());
        database.close(); // after the last write: CDI destroys beans in no promised order
    }

    /** Memory from the database: each configured source's newest articles and state, the newest arrivals. */
    private void warm() {
        Instant cutoff = retentionCutoff();
        Map<String, Source> configured = new LinkedHashMap<>();
        catalog.all().forEach(s -> configured.put(s.name(), s));
        for (StoredSourceState row : repository.states()) {
            Source source = configured.get(row.sourceName());
            if (source != null) states.put(source.name(), row.toState(source));
        }
        for (StoredValidator row : repository.validators()) {
            validators.put(URI.create(row.url()), new ConditionalHeaders(row.etag(), row.lastModified()));
        }
        for (Source source : configured.values()) {
            List<Article> newest = repository.newestOf(source.name(), cutoff, settings.maxPerSource());
            if (!newest.isEmpty()) shelves.computeIfAbsent(source.name(), n -> new SourceShelf()).load(newest,
                    settings.maxPerSource());
        }
        int logSize = settings.logSize();
        List<LoggedArticle> newestFirst = repository.newestArrivals(logSize + 1);
        long last = newestFirst.isEmpty() ? 0 : newestFirst.get(0).sequence();
        long floor = newestFirst.size() > logSize ? newestFirst.get(logSize).sequence() : 0;
        List<LoggedArticle> kept = new ArrayList<>(newestFirst.subList(0, Math.min(logSize, newestFirst.size())));
        // arrivals of sources no longer configured, or past the age limit, are not replayed
        kept.removeIf(a -> !configured.containsKey(a.article().source()) || a.article().published().isBefore(cutoff));
        Collections.reverse(kept);
        arrivals.warm(kept, last, floor);
        lastUpdated = states.values().stream().map(s -> s.stat().lastChecked()).filter(t -> t != null)
                .max(Instant::compareTo).orElse(null);
    }

    /**
     * Records one fetch of a source: its articles ({@code null} when the fetch failed), the validators of
     * its URLs, and its new state, made from the number of articles cached after the merge. Memory first,
     * then the database; waits at most {@code newsstream.store.write-wait} for the commit. Returns the
     * source's cached articles, newest first.
     */
    public List<Article> recordFetch(Source source, List<Article> articles, Map<URI, ConditionalHeaders> urlValidators,
                                     IntFunction<SourceState> stateForCount) {
        Map<String, ConditionalHeaders> written = new LinkedHashMap<>();
        urlValidators.forEach((url, headers) -> {
            if (headers.etag() == null && headers.lastModified() == null) validators.remove(url);
            else validators.put(url, headers);
            written.put(url.toString(), headers);
        });
        List<Article> kept = articles == null ? List.of() : keepable(articles);
        if (articles != null) {
            shelves.computeIfAbsent(source.name(), n -> new SourceShelf()).merge(kept, settings.maxPerSource());
            lastUpdated = Instant.now();
        }
        List<Article> cached = articlesOf(source.name());
        SourceState state = stateForCount.apply(cached.size());
        states.put(source.name(), state);
        awaitWrite(source, writer.submit(SourceWrite.of(source.name(), kept, state, written)));
        return cached;
    }

    private void awaitWrite(Source source, java.util.concurrent.CompletableFuture<Void> done) {
        try {
            done.get(settings.writeWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warning(() -> "Storing " + source.name() + " takes longer than " + settings.writeWait()
                    + "; it goes on in the background");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the fetch was abandoned; the write goes on without it
        } catch (ExecutionException e) {
            // the writer never completes exceptionally; nothing to do
        }
    }

    /** What is worth keeping of a fetch: not past the retention age, at most the newest max-per-source. */
    private List<Article> keepable(List<Article> fetched) {
        Instant cutoff = retentionCutoff();
        List<Article> kept = new ArrayList<>(fetched.size());
        for (Article a : fetched) if (!a.published().isBefore(cutoff)) kept.add(a);
        if (kept.size() > settings.maxPerSource()) {
            kept.sort(SourceShelf.NEWEST_FIRST);
            return List.copyOf(kept.subList(0, settings.maxPerSource()));
        }
        return kept;
    }

    private Instant retentionCutoff() {
        return Instant.now().minus(settings.retention());
    }

    /** On the writer's thread, right after a commit: number the new articles and tell the live streams. */
    private void committed(List<LoggedArticle> inserted) {
        if (inserted.isEmpty()) return;
        List<LoggedArticle> logged = arrivals.append(inserted);
        if (!logged.isEmpty()) newArticleListeners.forEach(l -> l.accept(logged));
    }

    /** On the writer's thread, between two writes: the age limit and the per-source cap, in memory and stored. */
    private void applyRetention() {
        Instant cutoff = retentionCutoff();
        long started = System.nanoTime();
        int inMemory = 0;
        for (SourceShelf shelf : shelves.values()) inMemory += shelf.dropPublishedBefore(cutoff);
        int old = repository.deletePublishedBefore(cutoff);
        int over = repository.trimSources(settings.maxPerSource());
        retentionDeleted += old + over;
        retentionRanAt = Instant.now();
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (old + over + inMemory > 0) {
            int memoryDropped = inMemory;
            LOG.info(() -> "Retention: deleted " + old + " articles older than " + settings.retention() + " and "
                    + over + " past " + settings.maxPerSource() + " per source (" + memoryDropped
                    + " dropped from memory) in " + ms + " ms");
        }
    }

    /** The live fan-out subscribes here; a listener must not block (it is called on the writer's thread). */
    public void onNewArticles(Consumer<List<LoggedArticle>> listener) {
        newArticleListeners.add(listener);
    }

    /** The number of the newest article to arrive: what a stream is up to date with. */
    public long lastSequence() {
        return arrivals.lastSequence();
    }

    /** Whether a stream can resume from this event id without losing articles. */
    public boolean canResumeFrom(long sequence) {
        return arrivals.covers(sequence);
    }

    /** Up to {@code max} articles that arrived after {@code sequence} and match; null if it fell off the log. */
    public ArrivalPage arrivedAfter(long sequence, int max, Predicate<Article> filter) {
        if (!arrivals.covers(sequence)) return null;
        ArrivalLog.Page page = arrivals.after(sequence, max, filter);
        return new ArrivalPage(page.articles(), page.scannedUpTo());
    }

    /** Articles found after a cursor, and the cursor to continue from. */
    public record ArrivalPage(List<LoggedArticle> articles, long cursor) {
    }

    public List<Article> articlesOf(String source) {
        SourceShelf shelf = shelves.get(source);
        return shelf == null ? List.of() : shelf.articles();
    }

    /** Matching articles of every source, newest first. */
    public List<Article> query(ArticleQuery query) {
        return page(query, 0, Integer.MAX_VALUE).articles();
    }

    /** One page of the matching articles of every source, newest first, and how many match in all. */
    public Page page(ArticleQuery query, int offset, int limit) {
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
        return new Page(newestFirst(matching, offset, limit), total);
    }

    /** A page of articles and the number there are in all. */
    public record Page(List<Article> articles, int total) {
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

    /** The cache's view of these sources for a stream's {@code initial} frame and its freshness decision. */
    public CacheSnapshot snapshot(List<Source> sources, Duration freshFor, int limit) {
        Set<String> names = new HashSet<>();
        List<SourceStat> stats = new ArrayList<>();
        Instant now = Instant.now();
        Instant oldestCheck = null;
        boolean everyoneChecked = !sources.isEmpty();
        for (Source source : sources) {
            names.add(source.name());
            SourceState state = states.get(source.name());
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
        return new CacheSnapshot(List.copyOf(newestFirst(lists, 0, limit)), total, stats, age, fresh);
    }

    public int count() {
        return shelves.values().stream().mapToInt(s -> s.articles().size()).sum();
    }

    public SourceState state(Source source) {
        return states.getOrDefault(source.name(), SourceState.never(
                SourceStat.of(source, FeedStatus.PENDING, 0, null, null, 0)));
    }


    public ConditionalHeaders validators(URI url) {
        return validators.getOrDefault(url, ConditionalHeaders.NONE);
    }

    public Optional<Instant> lastUpdated() {
        return Optional.ofNullable(lastUpdated);
    }

    /** How storage is doing, for readiness and metrics: reads fields only, never the database. */
    public StorageStatus storage() {
        StoreWriter.Health health = writer.health();
        return new StorageStatus(settings.displayUrl(), database.product(), health.up(), health.reason(),
                health.since(), writer.pendingWrites(), writer.pendingArticles(), writer.transactions(),
                writer.articlesInserted(), writer.writeMillis(), writer.failures(), writer.dropped(), retentionRanAt, retentionDeleted,
                startupMillis);
    }
}
