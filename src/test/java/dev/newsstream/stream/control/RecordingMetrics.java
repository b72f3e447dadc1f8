package dev.newsstream.stream.control;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** {@link StreamMetrics} that remembers what it was told, for unit tests of the beans that report them. */
final class RecordingMetrics implements StreamMetrics {

    final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final List<String> closed = new CopyOnWriteArrayList<>();
    final AtomicInteger disconnects = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    @Override
    public void gauge(String name, String description, Supplier<Number> value) {
        gauges.put(name, value);
    }

    @Override
    public void streamOpened() {
        opened.incrementAndGet();
    }

    @Override
    public void streamRejected() {
        rejected.incrementAndGet();
    }

    @Override
    public void streamClosed(String reason) {
        closed.add(reason);
    }

    @Override
    public void disconnectDetected() {
        disconnects.incrementAndGet();
    }

    @Override
    public void futuresCancelled(int count) {
        cancelled.addAndGet(count);
    }

    int gauge(String name) {
        return gauges.get(name).get().intValue();
    }
}
