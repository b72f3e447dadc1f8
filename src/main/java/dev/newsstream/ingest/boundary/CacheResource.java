package dev.newsstream.ingest.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.ingest.control.Ingestion;
import dev.newsstream.ingest.control.RefreshListener;
import dev.newsstream.ingest.control.RefreshSummary;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.CacheStatus;
import dev.newsstream.stream.control.SseChannel;
import dev.newsstream.stream.control.StreamRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** {@code /cache/...}: the cache's figures and on-demand refreshes (which never wait for the fetches). */
@Path("cache")
public class CacheResource {

    public record RefreshAnswer(String message, String status) {
    }

    public record RefreshStarting(String status, String message, int totalSources, Instant timestamp) {
    }

    /**
     * One source's report. {@code skipped} is true for a source not fetched because it may not be yet;
     * {@code skip_reason} ({@code backoff}, {@code host_pause}, {@code feed_hint}) and {@code next_attempt_at}
     * say why and until when, and {@code source_stat} is its last outcome.
     */
    public record RefreshSourceComplete(String status, String source, int articlesFromSource,
                                        int totalSourcesProcessed, int failedSources, SourceStat sourceStat,
                                        boolean skipped, String skipReason, Instant nextAttemptAt,
                                        Instant timestamp) {
    }

    public record RefreshComplete(String status, int totalArticles, int totalSourcesProcessed, int successfulSources,
                                  int failedSources, int warningSources, int sourcesSkipped, int newArticles,
                                  double durationSeconds, Instant timestamp) {
    }

    public record RefreshError(String status, String error, Instant timestamp) {
    }

    @Inject
    Ingestion ingestion;

    @Inject
    ArticleStore store;

    @Inject
    SourceCatalog catalog;

    @Inject
    StreamRegistry registry;

    @POST
    @Path("refresh")
    @Produces(MediaType.APPLICATION_JSON)
    public RefreshAnswer refresh() {
        return ingestion.start("manual", RefreshListener.NONE).isPresent()
                ? new RefreshAnswer("Cache refresh started", "started")
                : new RefreshAnswer("Cache refresh already in progress", "in_progress");
    }

    /** Streams a refresh's progress; the client leaving stops the stream, not the refresh. */
    @POST
    @Path("refresh/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void refreshStream(@Context SseEventSink sink, @Context Sse sse) {
        String id = registry.newStreamId();
        SseChannel channel = registry.openChannel(id, sink, sse, reason -> { });
        java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
        RefreshListener progress = new RefreshListener() {
            @Override
            public void sourceDone(SourceResult r, int processed, int failed) {
                channel.send("source_complete", frames.incrementAndGet(), new RefreshSourceComplete("source_complete",
                        r.source().name(), r.skipped() ? 0 : r.articles().size(), processed, failed, r.stat(), r.skipped(),
                        r.skipped() ? r.deferred().reason() : null, r.skipped() ? r.deferred().until() : null,
                        Instant.now()));
            }

            @Override
            public void completed(RefreshSummary s) {
                // successful + failed + skipped = total_sources_processed = every source
                channel.sendLast("complete", frames.incrementAndGet(), new RefreshComplete("complete", s.totalArticles(),
                        s.totalSources(), s.successfulSources(), s.failedSources(),
                        s.warningSources(), s.sourcesSkipped(), s.newArticles(), s.durationSeconds(), Instant.now()));
            }
        };
        // starting goes first so no source_complete can overtake it
        channel.sendWithRetryHint("starting", frames.incrementAndGet(), new RefreshStarting("starting", "Cache refresh started",
                catalog.all().size(), Instant.now()));
        if (ingestion.start("stream", progress).isEmpty()) {
            channel.sendLast("error", frames.incrementAndGet(), new RefreshError("error", "A cache refresh is already in progress", Instant.now()));
        }
    }

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public CacheStatus status() {
        int working = 0, errors = 0, warnings = 0;
        for (Source source : catalog.all()) {
            switch (store.state(source).stat().status()) {
                case SUCCESS -> working++;
                case WARNING -> warnings++;
                case ERROR -> errors++;
                case PENDING -> { }
            }
        }
        Map<String, Integer> byCategory = new TreeMap<>();
        for (Source source : catalog.all()) {
            byCategory.merge(source.category(), store.articlesOf(source.name()).size(), Integer::sum);
        }
        Instant last = store.lastUpdated().orElse(null);
        Double age = last == null ? null : Duration.between(last, Instant.now()).toMillis() / 1000.0;
        return new CacheStatus(last, ingestion.inProgress(), ingestion.completedRuns(), store.count(),
                catalog.all().size(), working, errors, warnings, byCategory, age);
    }
}
