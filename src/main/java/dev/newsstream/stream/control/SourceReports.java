package dev.newsstream.stream.control;

import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.stream.entity.Progress;
import dev.newsstream.stream.entity.StreamEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * The fetching part of one stream: every source of it asked for through the shared fetches, and each
 * reported exactly once ({@code source_complete} or {@code source_error}), in the order they finish, then
 * {@code complete}. Results reach it on a writer thread, never on the feed thread that fetched them. A
 * report waits while the client has no room: results of a hundred sources can be ready at the same moment
 * (answered from the cache, or a burst of shared fetches finishing), and queued at once they are
 * megabytes, more than a client may pin, so a healthy client would be dropped as too slow. Held, they
 * cost a reference to the shared result each, and the client gets them at its own pace.
 */
final class SourceReports {

    /** Hears, under the reports' lock, that every source has been reported. */
    @FunctionalInterface
    interface Completion {
        void allReported(int articles, int successful, int failed, Progress progress);
    }

    private final String streamId;
    private final List<Source> sources;
    private final boolean live;
    private final SseChannel channel;
    private final ArrivalFollower arrivals;
    private final SessionServices services;
    private final LongSupplier position;
    private final Completion completion;
    private final Map<String, Future<?>> pending = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> held = new ArrayDeque<>(); // reports waiting for room (lock)
    private int completed;
    private int successful;
    private int failed;
    private int totalArticles;
    private volatile int completedSoFar; // for readers that must not take the lock
    private volatile boolean finished;

    SourceReports(String streamId, List<Source> sources, boolean live, SseChannel channel, ArrivalFollower arrivals,
                  SessionServices services, LongSupplier position, Completion completion) {
        this.streamId = streamId;
        this.sources = sources;
        this.live = live;
        this.channel = channel;
        this.arrivals = arrivals;
        this.services = services;
        this.position = position;
        this.completion = completion;
    }

    /**
     * Asks for every source (through the shared fetches); returns at once. Each result is reported on the
     * writer threads: the feed thread that finished a shared fetch only hands it over, so it is free for the
     * next fetch however many streams waited for this one.
     */
    void fetchAll() {
        if (sources.isEmpty()) {
            finish();
            return;
        }
        for (Source source : sources) {
            if (channel.isClosed()) break;
            CompletableFuture<SourceResult> result;
            try {
                result = services.fetches().apply(source, streamId);
            } catch (RejectedExecutionException e) {
                sourceFailed(source, "server busy: the fetch queue is full");
                continue;
            }
            pending.put(source.name(), result);
            result.whenComplete((r, error) -> handOff(() -> {
                pending.remove(source.name());
                if (error == null) sourceDone(r);
                else if (!channel.isClosed()) sourceFailed(source, describe(error));
            }));
        }
        // a close racing with this loop may have missed futures put after it looked: cancel those too
        if (channel.isClosed()) cancelPending();
    }

    /** Runs a result's report on a writer thread; with the writer queue full the stream cannot stay in order, so it ends. */
    private void handOff(Runnable report) {
        try {
            services.writers().execute(report);
        } catch (RejectedExecutionException e) {
            channel.close("server overloaded: no writer available");
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException) return "fetch cancelled";
        if (cause instanceof RejectedExecutionException) return "server busy: the fetch queue is full";
        return "unexpected failure: " + cause;
    }

    private void sourceDone(SourceResult result) {
        report(() -> {
            completedSoFar = ++completed;
            if (result.failed()) failed++; else successful++;
            totalArticles += result.articles().size();
            if (live) {
                arrivals.carried(services.results().carried(result)); // exactly what the frame carries
            }
            // the articles' JSON is made once per result for every stream that waited for it
            channel.sendJson("source_complete", position.getAsLong(),
                    services.results().json(streamId, result, Progress.of(completed, sources.size())));
        });
    }

    private void sourceFailed(Source source, String error) {
        report(() -> {
            completedSoFar = ++completed;
            failed++;
            StreamEvent.SourceError event = new StreamEvent.SourceError(streamId, source.name(), error,
                    Progress.of(completed, sources.size()));
            channel.send(event.status(), position.getAsLong(), event);
        });
    }

    /** Reports one source now if the client has room for it, else holds the report until it has. */
    private void report(Runnable frame) {
        synchronized (lock) { // keeps frames in order: no source_complete can follow complete
            if (finished || channel.isClosed()) return;
            if (held.isEmpty() && channel.wantsMore(1)) emit(frame);
            else held.add(frame);
        }
    }

    private void emit(Runnable frame) {
        frame.run();
        if (completed == sources.size()) finish();
    }

    /** The client has read what it was given: held reports go out while it has room. */
    void drained() {
        synchronized (lock) {
            while (!finished && !held.isEmpty() && channel.wantsMore(1)) emit(held.poll());
        }
    }

    private void finish() {
        synchronized (lock) {
            finished = true;
            completion.allReported(totalArticles, successful, failed, Progress.of(completed, sources.size()));
        }
    }

    /**
     * Ends the reports without fetching or reporting more (the stream failed, or completes from the cache);
     * {@code last} runs under the lock, so no report can follow what it sends.
     */
    void endWith(boolean everySourceDone, Runnable last) {
        synchronized (lock) {
            finished = true;
            if (everySourceDone) completedSoFar = completed = sources.size();
            last.run();
        }
    }

    /** Cancels every fetch still awaited ({@code cancel(true)}): the shared flight ends if nobody else waits. */
    int cancelPending() {
        int cancelled = 0;
        for (Future<?> future : pending.values()) {
            if (future.cancel(true)) cancelled++;
        }
        return cancelled;
    }

    boolean nonePending() {
        return pending.isEmpty();
    }

    long pendingFetches() {
        return pending.values().stream().filter(f -> !f.isDone()).count();
    }

    int completed() {
        return completedSoFar;
    }
}
