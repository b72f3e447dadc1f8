package dev.newsstream.stream.control;

import java.util.function.Supplier;

/**
 * What the stream package reports about its streams and writers: facts only, the metric names are
 * {@code ops.control.NewsMetrics}'s, which implements this (as it does {@code ingest.control.FetchMetrics}),
 * so {@link StreamRegistry} and {@link StreamWriters} can run without a MicroProfile {@code MetricRegistry}:
 * their unit tests hand over one that records.
 */
public interface StreamMetrics {

    void gauge(String name, String description, Supplier<Number> value);

    void streamOpened();

    void streamRejected();

    void streamClosed(String reason);

    void disconnectDetected();

    void futuresCancelled(int count);
}
