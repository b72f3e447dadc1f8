package dev.newsstream.store.control;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.store.entity.ArticleQuery;
import dev.newsstream.store.entity.CacheSnapshot;
import dev.newsstream.store.entity.LoggedArticle;
import jakarta.annotation.PostConstruct;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.newsstream.store.entity.SourceState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The article cache and the fetch state of every source: the one seam behind which storage lives.
 * Everything here answers from memory without waiting on background work; writes come from fetch
 * tasks, never from request threads.
 */
@ApplicationScoped
public class ArticleStore {

    @Inject
    @ConfigProperty(name = "newsstream.store.max-per-source", defaultValue = "200")
    int maxPerSource;

    @Inject
    @ConfigProperty(name = "newsstream.live.log-size", defaultValue = "10000")
    int logSize;

    private ArrivalLog arrivals;

    @PostConstruct
    void createLog() {
        arrivals = new ArrivalLog(logSize);
    }

    private final Map<String, SourceShelf> shelves = new ConcurrentHashMap<>();
    private final Map<String, SourceState> states = new ConcurrentHashMap<>();
    private final Map<URI, ConditionalHeaders> validators = new ConcurrentHashMap<>();
    private final List<Consumer<List<LoggedArticle>>> newArticleListeners = new CopyOnWriteArrayList<>();
    private volatile Instant lastUpdated;

    /** Merges one source's fetched articles in; returns those not seen before. */
    public List<Article> put(Source source, List<Article> fetched) {
        List<Article> added = shelves.computeIfAbsent(source.name(), n -> new SourceShelf()).merge(fetched, maxPerSource);
        lastUpdated = Instant.now();
        if (!added.isEmpty()) {
            List<LoggedArticle> logged = arrivals.append(added);
            newArticleListeners.forEach(l -> l.accept(logged));
        }
        return added;
    }

    /** The live fan-out subscribes here; a listener must not block (it is called on the fetch task's thread). */
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
    public ArrivalPage arrivedAfter(long sequence, int max, java.util.function.Predicate<Article> filter) {
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
        List<Article> all = new ArrayList<>();
        for (SourceShelf shelf : shelves.values()) {
            for (Article a : shelf.articles()) if (query.test(a)) all.add(a);
        }
        all.sort(SourceShelf.NEWEST_FIRST);
        return all;
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
        List<Article> articles = new ArrayList<>();
        for (String name : names) articles.addAll(articlesOf(name));
        articles.sort(SourceShelf.NEWEST_FIRST);
        Double age = oldestCheck == null ? null : Duration.between(oldestCheck, now).toMillis() / 1000.0;
        boolean fresh = everyoneChecked && !articles.isEmpty() && age != null && age < freshFor.toMillis() / 1000.0;
        return new CacheSnapshot(List.copyOf(articles.subList(0, Math.min(limit, articles.size()))), articles.size(),
                stats, age, fresh);
    }

    public int count() {
        return shelves.values().stream().mapToInt(s -> s.articles().size()).sum();
    }

    public SourceState state(Source source) {
        return states.getOrDefault(source.name(), SourceState.never(
                SourceStat.of(source, FeedStatus.PENDING, 0, null, null, 0)));
    }

    public Optional<SourceState> knownState(String source) {
        return Optional.ofNullable(states.get(source));
    }

    public void recordState(Source source, SourceState state) {
        states.put(source.name(), state);
    }

    public ConditionalHeaders validators(URI url) {
        return validators.getOrDefault(url, ConditionalHeaders.NONE);
    }

    public void rememberValidators(URI url, ConditionalHeaders headers) {
        if (headers.etag() == null && headers.lastModified() == null) validators.remove(url);
        else validators.put(url, headers);
    }

    public Optional<Instant> lastUpdated() {
        return Optional.ofNullable(lastUpdated);
    }
}
