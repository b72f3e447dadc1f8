package dev.newsstream.ingest.control;

import dev.newsstream.cluster.control.ClusterNode;
import dev.newsstream.cluster.control.Grid;
import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.control.MemoryStore;
import dev.newsstream.store.entity.SourceState;
import java.net.URI;
import java.time.Instant;
import java.util.function.IntFunction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Stand-ins for the beans around ingestion that need a database or a cluster; each records what it was told. */
final class IngestDoubles {

    private IngestDoubles() {
    }

    /** The sources, as a list the test sets (the real catalog loads them from a file and the database). */
    static final class Catalog extends SourceCatalog {
        volatile List<Source> sources = List.of();

        @Override
        public List<Source> all() {
            return sources;
        }

        @Override
        public Optional<Source> byName(String name) {
            return sources.stream().filter(s -> s.name().equals(name)).findFirst();
        }
    }

    /** A cluster node whose leadership and grid the test decides; events for its thread run at once. */
    static final class Cluster extends ClusterNode {
        volatile boolean leading = true;
        volatile Grid grid;
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger remoteWaits = new AtomicInteger();
        final List<Instant> refreshes = new CopyOnWriteArrayList<>();
        final List<Grid.Listener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public boolean leads() {
            asked.incrementAndGet();
            return leading;
        }

        @Override
        public void refreshed(Instant at) {
            refreshes.add(at);
        }

        @Override
        public Optional<Instant> lastRefresh() {
            return refreshes.isEmpty() ? Optional.empty() : Optional.of(refreshes.get(refreshes.size() - 1));
        }

        @Override
        public Optional<Grid> grid() {
            return Optional.ofNullable(grid);
        }

        @Override
        public void ifClustered(Consumer<Grid> action) {
            if (grid != null) action.accept(grid);
        }

        @Override
        public void subscribe(Grid.Listener listener) {
            listeners.add(listener);
        }

        @Override
        public void later(Runnable work) {
            work.run();
        }

        @Override
        public void countRemoteWait() {
            remoteWaits.incrementAndGet();
        }
    }

    /**
     * The store: {@link MemoryStore}'s real shelves and fetch states, with a fetch state the test sets (back-off,
     * failures) and {@code recordFetch} kept in memory, as the real one does before its database write.
     */
    static final class Store extends ArticleStore {
        final MemoryStore memory = new MemoryStore(100);
        final Map<String, SourceState> states = new ConcurrentHashMap<>();
        final List<String> recorded = new CopyOnWriteArrayList<>();
        final Map<URI, ConditionalHeaders> validators = new ConcurrentHashMap<>();
        volatile RuntimeException refuse;

        @Override
        public SourceState state(Source source) {
            SourceState set = states.get(source.name());
            return set != null ? set : memory.store().state(source);
        }

        @Override
        public List<Article> articlesOf(String source) {
            return memory.store().articlesOf(source);
        }

        @Override
        public int count() {
            return memory.store().count();
        }

        @Override
        public ConditionalHeaders validators(URI url) {
            return validators.get(url);
        }

        @Override
        public List<Article> recordFetch(Source source, List<Article> articles, Map<URI, ConditionalHeaders> urlValidators,
                                         IntFunction<SourceState> stateForCount) {
            if (refuse != null) throw refuse;
            recorded.add(source.name() + (articles == null ? " failed" : " " + articles.size()) + " " + urlValidators);
            validators.putAll(urlValidators);
            if (articles != null && !articles.isEmpty()) {
                memory.record(source, Instant.now(), articles.toArray(Article[]::new));
            }
            states.put(source.name(), stateForCount.apply(memory.store().articlesOf(source.name()).size()));
            return memory.store().articlesOf(source.name());
        }
    }

    /** Metrics kept in maps: the gauges by name, and each counted event. */
    static final class Metrics implements FetchMetrics {
        final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();
        final AtomicInteger started = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void gauge(String name, String description, Supplier<Number> value) {
            gauges.put(name, value);
        }

        @Override
        public void fetchStarted() {
            started.incrementAndGet();
        }

        @Override
        public void fetchSucceeded(double seconds, boolean notModified) {
            events.add(notModified ? "not-modified" : "succeeded");
        }

        @Override
        public void fetchFailed(String reason, double seconds) {
            events.add("failed " + reason);
        }

        double gauge(String name) {
            return gauges.get(name).get().doubleValue();
        }
    }
}
