package dev.newsstream.store.control;

import dev.newsstream.ops.control.NewsMetrics;
import dev.newsstream.store.entity.StorageStatus;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The database behind memory: the bounded write queue (one merged write per source) and the one
 * {@link StoreWriter} thread that drains it, its periodic checks (a lost database, the arrival-id
 * reservations, retention), and what readiness, {@code /debug/store} and the metrics read of it. A fetch
 * only queues here and never waits; a slow or lost database changes nothing for streams and fetches.
 * Started and stopped by {@link ArticleStore}, in order with the schema and the warming.
 */
@ApplicationScoped
public class WriteBehind {

    private static final Logger LOG = Logger.getLogger(WriteBehind.class.getName());

    @Inject
    StorageSettings settings;

    @Inject
    NewsDatabase database;

    @Inject
    ArticleRepository repository;

    @Inject
    SourceWriteStatements statements;

    @Inject
    NewsMetrics metrics;

    @Inject
    ArticleShelves shelves;

    @Inject
    StoreRetention retention;

    @Inject
    dev.newsstream.cluster.control.ClusterNode cluster;

    @Inject
    LocalArrivalNumbering localNumbering;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    private final List<ScheduledFuture<?>> ticks = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    private final RecordTimings timings = new RecordTimings();
    private WriteQueue queue;
    private StoreWriter writer;
    private volatile long startupMillis;

    /** Starts the writer and its checks; after the schema is migrated and memory warmed. */
    void start() {
        queue = new WriteQueue(settings.maxPerSource());
        writer = new StoreWriter(queue, statements, retention::inDatabase, this::deleteRows, database::ping,
                settings.password());
        writer.start(threads);
        long retry = Math.max(100, settings.retryInterval().toMillis());
        ticks.add(scheduler.scheduleWithFixedDelay(() -> {
            writer.check();
            localNumbering.check();
        }, retry, retry, TimeUnit.MILLISECONDS));
        long every = Math.max(1000, settings.retentionInterval().toMillis());
        ticks.add(scheduler.scheduleWithFixedDelay(() -> {
            retention.inMemory();
            // the database's copy is shared: once per cluster, by the instance holding the refresh lease
            if (cluster.leads()) writer.requestRetention();
        }, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS));
        registerMetrics();
    }

    /**
     * Flushes what it can within {@code newsstream.store.shutdown-flush}; once, whoever comes first:
     * {@link ArticleStore} before it closes the database, or this bean's own destruction (CDI destroys beans
     * in no promised order, and a call through the proxy after this bean was destroyed reaches a new,
     * unstarted instance).
     */
    @PreDestroy
    void stop() {
        if (writer == null || !stopped.compareAndSet(false, true)) return;
        ticks.forEach(t -> t.cancel(false));
        writer.stop(settings.shutdownFlush());
    }

    /** Queues a source's write; never blocks (a full queue merges or drops, counted). */
    void submit(SourceWrite write) {
        queue.submit(write);
    }

    /**
     * A removed source's rows: a write of it the writer took just before (or that waits for it) would put
     * them back, so the writer deletes them again after it.
     */
    void purge(String source) {
        queue.purge(source);
    }

    /** How long recording a fetch took (numbering, memory, queueing), for {@code /debug/store}. */
    void recorded(long nanos) {
        timings.add(nanos);
    }

    void startedIn(long millis) {
        startupMillis = millis;
    }

    private void deleteRows(String source) {
        int deleted = repository.deleteSource(source);
        if (deleted > 0) LOG.info(() -> "Removed source " + source + ": " + deleted + " articles written after the removal deleted");
    }

    private void registerMetrics() {
        metrics.gauge("newsstream_store_database_up", "1 while the database takes writes, 0 while writes wait",
                () -> writer.health().up() ? 1 : 0);
        metrics.gauge("newsstream_store_pending_writes", "Source writes not yet committed (the write queue's depth)",
                queue::depth);
        metrics.gauge("newsstream_store_write_queue_age_seconds",
                "Age of the oldest change not yet committed to the database (0 if none)", () -> {
                    Double age = oldestWriteAge();
                    return age == null ? 0 : age;
                });
        metrics.gauge("newsstream_store_transactions", "Source writes committed since start", writer::transactions);
        metrics.gauge("newsstream_store_failed_writes", "Source writes that failed (and waited) since start",
                writer::failures);
        metrics.gauge("newsstream_store_refused_rows", "Rows the database refused (and that were skipped) since start",
                writer::refused);
        metrics.gauge("newsstream_store_writer_running", "1 while the database writer runs", () -> writer.stopped() == null ? 1 : 0);
    }

    private Double oldestWriteAge() {
        Instant oldest = queue.oldest();
        return oldest == null ? null : Duration.between(oldest, Instant.now()).toMillis() / 1000.0;
    }

    /** How storage is doing, for readiness and metrics: reads fields only, never the database. */
    StorageStatus status() {
        StoreWriter.Health health = writer.health();
        LocalArrivalNumbering.Figures ids = localNumbering.figures();
        return new StorageStatus(settings.displayUrl(), database.product(), health.up(), health.reason(),
                health.since(), writer.stopped() == null, writer.stopped(), queue.depth(), queue.articles(),
                oldestWriteAge(), writer.transactions(), writer.articlesInserted(), writer.writeMillis(),
                writer.failures(), writer.dropped(), writer.refused(), writer.refusals(), ids.nextId(),
                ids.reservedThrough(), ids.unreservedIds(), shelves.version(), timings.count(), timings.averageMillis(),
                timings.maxMillis(), retention.ranAt(), retention.deleted(), startupMillis);
    }
}
