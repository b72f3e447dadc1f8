package dev.newsstream.health.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.ingest.control.IngestSettings;
import dev.newsstream.ingest.control.Ingestion;
import dev.newsstream.ops.control.ExecutorView;
import dev.newsstream.ops.control.OpsSettings;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.StorageStatus;
import dev.newsstream.stream.control.StreamRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready to take traffic: sources loaded, something to show (the first refresh done or articles in the
 * cache), the feed executor's queue below its saturation threshold, room under the stream cap, and a
 * database that takes writes (while it does not, streams serve from memory and writes wait: DOWN says so).
 *
 * <p>The answer is public (load balancers and probes read it), so its {@code reason} is one of the short
 * phrases below (the database's comes from {@link StorageStatus#problem()}) and its data are counts: no URL, host, driver message or stack. The details stay on the
 * guarded debug surface: {@code /debug/store} for the database, {@code /debug/executor} for the fetches.
 */
@Readiness
@ApplicationScoped
public class ReadyCheck implements HealthCheck {

    @Inject
    SourceCatalog catalog;

    @Inject
    Ingestion ingestion;

    @Inject
    IngestSettings ingest;

    @Inject
    ArticleStore store;

    @Inject
    ExecutorView executor;

    @Inject
    StreamRegistry streams;

    @Inject
    OpsSettings settings;

    static final String SOURCES_NOT_LOADED = "sources not loaded";
    static final String WARMING_UP = "first refresh not done yet";
    static final String EXECUTOR_SATURATED = "feed executor saturated";
    static final String STREAM_CAP = "stream cap reached";

    @Override
    public HealthCheckResponse call() {
        ExecutorView.Figures figures = executor.figures();
        int articles = store.count();
        boolean warmedUp = !ingest.enabled() || ingestion.refreshedOnce() || articles > 0;
        boolean queueOk = figures.queued() < settings.maxQueuedFetches();
        boolean roomForStreams = streams.activeCount() < streams.maxActive();
        List<String> reasons = new ArrayList<>();
        if (!catalog.loaded()) reasons.add(SOURCES_NOT_LOADED);
        if (!warmedUp) reasons.add(WARMING_UP);
        if (!queueOk) reasons.add(EXECUTOR_SATURATED);
        if (!roomForStreams) reasons.add(STREAM_CAP);
        StorageStatus storage = store.storage();
        // a short reason only: the URL and the driver's words stay in /debug/store
        if (storage.problem() != null) reasons.add(storage.problem());
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("ready")
                .status(reasons.isEmpty())
                .withData("sources", catalog.all().size())
                .withData("cached_articles", articles)
                .withData("refreshes_completed", ingestion.completedRuns())
                .withData("active_streams", streams.activeCount())
                .withData("max_active_streams", streams.maxActive())
                .withData("pending_fetches", figures.inFlight())
                .withData("queued_fetches", figures.queued())
                .withData("max_queued_fetches", settings.maxQueuedFetches())
                .withData("hung_fetches", figures.hung())
                .withData("sources_failing", sourcesFailing())
                .withData("database_up", storage.up())
                .withData("pending_writes", storage.pendingWrites());
        ingestion.lastRun().ifPresent(run -> builder
                .withData("last_refresh", run.finishedAt().toString())
                .withData("last_refresh_seconds", String.valueOf(run.durationSeconds())));
        if (!reasons.isEmpty()) builder.withData("reason", String.join("; ", reasons));
        return builder.build();
    }

    private long sourcesFailing() {
        return catalog.all().stream().filter(s -> store.state(s).consecutiveFailures() > 0).count();
    }
}
