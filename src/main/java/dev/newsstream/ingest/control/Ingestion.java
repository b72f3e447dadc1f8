package dev.newsstream.ingest.control;

import dev.newsstream.feed.control.RetryAfter;
import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.ops.control.NewsMetrics;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The background refresh: every source that is due (not backing off), through the shared fetches,
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
    FetchCoordinator coordinator;

    @Inject
    ArticleStore store;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    private final AtomicReference<Run> current = new AtomicReference<>();
    private final AtomicLong completedRuns = new AtomicLong();
    private volatile RefreshSummary lastRun;
    private ScheduledFuture<?> ticker;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up creates the bean, and so schedules the first refresh, without waiting for a request
    }

    @Inject
    NewsMetrics metrics;

    @PostConstruct
    void schedule() {
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


    public Optional<RefreshSummary> lastRun() {
        return Optional.ofNullable(lastRun);
    }


    /** One pass over the sources; ends (and frees the slot) when its last fetch ends. */
    private final class Run {
        final String id = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
        final String trigger;
        final RefreshListener listener;
        final Instant startedAt = Instant.now();
        final AtomicInteger processed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger warnings = new AtomicInteger();
        final AtomicInteger newArticles = new AtomicInteger();
        volatile List<CompletableFuture<SourceResult>> fetches = List.of();
        int skipped;
        int articlesBefore;

        Run(String trigger, RefreshListener listener) {
            this.trigger = trigger;
            this.listener = listener;
        }

        void launch() {
            Instant now = Instant.now();
            // a next attempt more than a day ahead (stored by an older version) is due: nothing is shelved for good
            Instant latest = now.plus(RetryAfter.MAX);
            List<Source> due = catalog.all().stream().filter(s -> {
                SourceState state = store.state(s);
                return state.dueAt(now) || state.nextAttemptAt().isAfter(latest);
            }).toList();
            skipped = catalog.all().size() - due.size();
            articlesBefore = store.count();
            if (due.isEmpty()) {
                finish(0);
                return;
            }
            // counted per source rather than with allOf: dependents of a future run in no promised order,
            // and the summary must come after the last source's report
            fetches = due.stream().map(source -> {
                CompletableFuture<SourceResult> f = coordinator.fetch(source, id);
                f.whenComplete((result, error) -> sourceDone(source, result, error, due.size()));
                return f;
            }).toList();
        }

        private void sourceDone(Source source, SourceResult result, Throwable error, int total) {
            SourceResult reported = error == null ? result : new SourceResult(source, List.of(),
                    SourceStat.of(source, FeedStatus.ERROR, 0, "fetch failed (" + rootCause(error).getClass().getSimpleName() + ")", Instant.now(), 0));
            int done;
            synchronized (this) {
                done = processed.incrementAndGet();
                if (reported.failed()) failed.incrementAndGet();
                else if (reported.stat().status() == FeedStatus.WARNING) warnings.incrementAndGet();
                listener.sourceDone(reported, done, failed.get());
            }
            if (done == total) finish(total);
        }

        /** Only the kind of failure: an exception's text may quote what a feed server sent. */
        private Throwable rootCause(Throwable error) {
            Throwable t = error;
            while (t.getCause() != null && t.getCause() != t) t = t.getCause();
            return t;
        }

        private void finish(int fetched) {
            Instant end = Instant.now();
            int total = store.count();
            RefreshSummary summary = new RefreshSummary(trigger, fetched + skipped, skipped,
                    fetched - failed.get(), failed.get(), warnings.get(), Math.max(0, total - articlesBefore), total,
                    startedAt, end, Duration.between(startedAt, end).toMillis() / 1000.0);
            lastRun = summary;
            completedRuns.incrementAndGet();
            current.compareAndSet(this, null);
            LOG.info(() -> "Refresh " + id + " (" + trigger + ") done: " + summary);
            listener.completed(summary);
        }

        void abandon() {
            fetches.forEach(f -> f.cancel(true));
        }
    }
}
