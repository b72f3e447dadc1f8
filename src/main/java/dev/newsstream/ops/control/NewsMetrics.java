package dev.newsstream.ops.control;

import dev.newsstream.ingest.control.FetchMetrics;
import dev.newsstream.stream.control.StreamMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * newsstream's MicroProfile Metrics (served at {@code /metrics}): what streams and fetches did.
 * Callers report facts; this class knows the names, so they are spelled once.
 */
@ApplicationScoped
public class NewsMetrics implements FetchMetrics, StreamMetrics {

    @Inject
    MetricRegistry registry;

    @PostConstruct
    void describe() {
        registry.counter(meta("newsstream_streams_opened", "Streams admitted"));
        registry.counter(meta("newsstream_streams_rejected", "Streams refused over the cap"));
        registry.counter(meta("newsstream_disconnects", "Clients found gone by a failed write or a closed sink"));
        registry.counter(meta("newsstream_futures_cancelled", "Pending fetch futures cancelled because their stream ended"));
    }

    @Override
    public void gauge(String name, String description, Supplier<Number> value) {
        registry.gauge(meta(name, description), value);
    }

    /** Adds {@code by} to a counter other features name themselves (e.g. the cluster's). */
    public void count(String name, String description, long by) {
        if (by > 0) registry.counter(meta(name, description)).inc(by);
    }

    @Override
    public void streamOpened() {
        registry.counter("newsstream_streams_opened").inc();
    }

    @Override
    public void streamRejected() {
        registry.counter("newsstream_streams_rejected").inc();
    }

    @Override
    public void streamClosed(String reason) {
        registry.counter(meta("newsstream_streams_closed", "Streams ended, by reason"), new Tag("reason", reasonTag(reason))).inc();
    }

    @Override
    public void disconnectDetected() {
        registry.counter("newsstream_disconnects").inc();
    }

    @Override
    public void futuresCancelled(int count) {
        if (count > 0) registry.counter("newsstream_futures_cancelled").inc(count);
    }

    @Override
    public void fetchStarted() {
        registry.counter(meta("newsstream_fetches_started", "Upstream feed fetches started")).inc();
    }

    @Override
    public void fetchSucceeded(double seconds, boolean notModified) {
        registry.counter(meta("newsstream_fetches_succeeded", "Upstream feed fetches that succeeded")).inc();
        if (notModified) registry.counter(meta("newsstream_fetches_not_modified", "Fetches answered 304 Not Modified")).inc();
        duration(seconds);
    }

    @Override
    public void fetchFailed(String reason, double seconds) {
        registry.counter(meta("newsstream_fetches_failed", "Upstream feed fetches that failed, by reason"),
                new Tag("reason", reason.toLowerCase(Locale.ROOT))).inc();
        duration(seconds);
    }

    private void duration(double seconds) {
        registry.timer(Metadata.builder().withName("newsstream_fetch_duration")
                .withDescription("Time to fetch and parse one source").withUnit(MetricUnits.SECONDS).build())
                .update(java.time.Duration.ofMillis(Math.round(seconds * 1000)));
    }

    private static Metadata meta(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).build();
    }

    /** A handful of stable values, so metric cardinality cannot grow with free text. */
    static String reasonTag(String reason) {
        if (reason == null) return "other";
        if (reason.startsWith("client too slow")) return "slow_client";
        if (reason.startsWith("client")) return "client_gone";
        if (reason.startsWith("complete")) return "complete";
        if (reason.startsWith("server")) return "server";
        return "other";
    }
}
