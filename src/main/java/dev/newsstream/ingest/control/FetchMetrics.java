package dev.newsstream.ingest.control;

import java.util.function.Supplier;

/**
 * What ingestion reports about its fetches, owned here so that {@code ingest} names no {@code ops} class:
 * {@code ops} reads ingestion ({@code ExecutorView}, {@code Watchdog}) and implements this
 * ({@code NewsMetrics}, which spells the metric names), so the dependency points one way only.
 */
public interface FetchMetrics {

    /** A gauge read on each scrape. */
    void gauge(String name, String description, Supplier<Number> value);

    void fetchStarted();

    void fetchSucceeded(double seconds, boolean notModified);

    /** {@code reason} is a short stable word (a {@code FailureReason} name), never free text. */
    void fetchFailed(String reason, double seconds);
}
