package dev.newsstream.ingest.control;

import dev.newsstream.cluster.control.ClusterNode;
import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Deferral;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.SourceState;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The background refresh: every source that may be fetched (not backing off, host not paused, no feed
 * hint pending), through the shared fetches,
 * first shortly after start and then every {@code newsstream.ingest.interval}. A tick that finds a
 * refresh running is skipped; nothing here ever waits: the run ends when its last fetch does.
 */
@ApplicationScoped
public class Ingestion {

    private static final Logger LOG = Logger.getLogger(Ingestion.class.getName());

    @Inject
    IngestSettings settings;

    @Inject
    SourceCatalog catalog;

    @Inject
    SourceFetches coordinator;

    @Inject
    ArticleStore store;

    @Inject
    Politeness politeness;

    @Inject
    PoliteSettings politeSettings;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService managedScheduler;

    /** The ticks and a refresh's spread starts: the container's scheduler, handed over at start (a unit test's own). */
    private ScheduledExecutorService scheduler;

    @Inject
    ClusterNode cluster;

    private final AtomicReference<Run> current = new AtomicReference<>();
    private final AtomicLong completedRuns = new AtomicLong();
    private volatile RefreshSummary lastRun;
    private ScheduledFuture<?> ticker;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up creates the bean, and so schedules the first refresh, without waiting for a request
    }

    @Inject
    FetchMetrics metrics;

    @PostConstruct
    void schedule() {
        scheduleOn(managedScheduler);
    }

    void scheduleOn(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        metrics.gauge("newsstream_ingestion_duration_seconds", "How long the last refresh took",
                () -> lastRun == null ? 0 : lastRun.durationSeconds());
        metrics.gauge("newsstream_ingestion_last_success_epoch_seconds", "When the last refresh ended (Unix time)",
                () -> lastRun == null ? 0 : lastRun.finishedAt().getEpochSecond());
        if (!settings.enabled()) {
            LOG.info("Background ingestion is disabled (newsstream.ingest.enabled=false)");
            return;
        }
        ticker = scheduler.scheduleAtFixedRate(this::tick, settings.initialDelay().toMillis(),
                settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) ticker.cancel(false);
        Run run = current.get();
        if (run != null) run.abandon();
    }

    private void tick() {
        if (!cluster.leads()) {
            LOG.fine("Refresh tick skipped: another instance holds the cluster's refresh lease");
            return;
        }
        if (start("interval", RefreshListener.NONE).isEmpty()) {
            LOG.fine("Refresh tick skipped: the previous refresh is still running");
        }
    }

    /** Starts a refresh of every due source unless one is running; returns at once. */
    public Optional<String> start(String trigger, RefreshListener listener) {
        Run run = new Run(trigger, listener);
        if (!current.compareAndSet(null, run)) return Optional.empty();
        run.launch();
        return Optional.of(run.id);
    }

    public boolean inProgress() {
        return current.get() != null;
    }

    public long completedRuns() {
        return completedRuns.get();
    }

    /** A refresh has ended here, or (clustered) on the instance holding the refresh lease. */
    public boolean refreshedOnce() {
        return completedRuns.get() > 0 || cluster.lastRefresh().isPresent();
    }


    public Optional<RefreshSummary> lastRun() {
        return Optional.ofNullable(lastRun);
    }


    /**
     * One pass over the sources; ends (and frees the slot) when its last fetch ends. Every source is
     * reported: one that may not be fetched now (back-off, host pause, feed hint) at once, from its last
     * outcome. A background tick spreads each host's due sources over {@code newsstream.ingest.host-spread}
     * instead of firing them at once; a refresh someone asked for starts them at once (the host lanes
     * still hold each host to its limit).
     */
    private final class Run {
        final String id = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
        final String trigger;
        final RefreshListener listener;
        final Instant startedAt = Instant.now();
        final AtomicInteger processed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        final AtomicInteger warnings = new AtomicInteger();
        final List<Future<?>> pending = new CopyOnWriteArrayList<>();
        volatile boolean abandoned;
        int total;
        int articlesBefore;

        Run(String trigger, RefreshListener listener) {
            this.trigger = trigger;
            this.listener = listener;
        }

        void launch() {
            Instant now = Instant.now();
            List<Source> sources = catalog.all();
            total = sources.size();
            articlesBefore = store.count();
            if (sources.isEmpty()) {
                finish();
                return;
            }
            List<Source> due = new ArrayList<>();
            List<SourceResult> deferred = new ArrayList<>();
            for (Source source : sources) {
                SourceState state = store.state(source);
                Optional<Deferral> deferral = politeness.deferral(source, state, now);
                if (deferral.isPresent()) {
                    deferred.add(new SourceResult(source, store.articlesOf(source.name()), state.stat(), deferral.get()));
                } else {
                    due.add(source);
                }
            }
            Map<Source, Duration> offsets = "interval".equals(trigger) ? spread(due) : Map.of();
            deferred.forEach(r -> sourceDone(r.source(), r, null));
            // counted per source rather than with allOf: dependents of a future run in no promised order,
            // and the summary must come after the last source's report
            for (Source source : due) {
                Duration offset = offsets.getOrDefault(source, Duration.ZERO);
                if (offset.isZero()) {
                    startFetch(source);
                } else {
                    pending.add(scheduler.schedule(() -> {
                        if (!abandoned) startFetch(source);
                    }, offset.toMillis(), TimeUnit.MILLISECONDS));
                }
            }
        }

        private void startFetch(Source source) {
            CompletableFuture<SourceResult> f;
            try {
                f = coordinator.fetch(source, id);
            } catch (RuntimeException e) {
                sourceDone(source, null, e);
                return;
            }
            pending.add(f);
            f.whenComplete((result, error) -> sourceDone(source, result, error));
            if (abandoned) f.cancel(true);
        }

        /** Each host's due sources evenly over the spread (capped at the interval): the i-th of n waits i/n of it. */
        private Map<Source, Duration> spread(List<Source> due) {
            Duration window = politeSettings.hostSpread();
            Duration cap = settings.interval().multipliedBy(8).dividedBy(10);
            if (window.compareTo(cap) > 0) window = cap;
            if (window.isZero() || window.isNegative()) return Map.of();
            Map<String, List<Source>> byHost = new LinkedHashMap<>();
            for (Source s : due) byHost.computeIfAbsent(HostLanes.hostOf(s.firstUrl()), h -> new ArrayList<>()).add(s);
            Map<Source, Duration> offsets = new HashMap<>();
            for (List<Source> ofHost : byHost.values()) {
                for (int i = 0; i < ofHost.size(); i++) {
                    offsets.put(ofHost.get(i), window.multipliedBy(i).dividedBy(ofHost.size()));
                }
            }
            return offsets;
        }

        private void sourceDone(Source source, SourceResult result, Throwable error) {
            SourceResult reported = error == null ? result : new SourceResult(source, List.of(),
                    SourceStat.of(source, FeedStatus.ERROR, 0, "fetch failed (" + rootCause(error).getClass().getSimpleName() + ")", Instant.now(), 0));
            int done;
            synchronized (this) {
                done = processed.incrementAndGet();
                if (reported.skipped()) skipped.incrementAndGet();
                else if (reported.failed()) failed.incrementAndGet();
                else if (reported.stat().status() == FeedStatus.WARNING) warnings.incrementAndGet();
                listener.sourceDone(reported, done, failed.get());
            }
            if (done == total) finish();
        }

        /** Only the kind of failure: an exception's text may quote what a feed server sent. */
        private Throwable rootCause(Throwable error) {
            Throwable t = error;
            while (t.getCause() != null && t.getCause() != t) t = t.getCause();
            return t;
        }

        private void finish() {
            Instant end = Instant.now();
            int articles = store.count();
            int fetched = total - skipped.get();
            RefreshSummary summary = new RefreshSummary(trigger, total, skipped.get(),
                    fetched - failed.get(), failed.get(), warnings.get(), Math.max(0, articles - articlesBefore), articles,
                    startedAt, end, Duration.between(startedAt, end).toMillis() / 1000.0);
            lastRun = summary;
            completedRuns.incrementAndGet();
            cluster.refreshed(end);
            current.compareAndSet(this, null);
            LOG.info(() -> "Refresh " + id + " (" + trigger + ") done: " + summary);
            listener.completed(summary);
        }

        void abandon() {
            abandoned = true;
            pending.forEach(f -> f.cancel(true));
        }
    }
}
