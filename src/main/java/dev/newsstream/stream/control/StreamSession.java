package dev.newsstream.stream.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.stream.entity.Progress;
import dev.newsstream.stream.entity.StreamEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;

/**
 * One client's news stream: asks for every source of its category, reports each as it finishes and
 * completes. It owns its {@link SseChannel} and its pending fetch futures; when the channel closes for
 * any reason (client gone, too slow, done) it cancels every pending future with {@code cancel(true)}
 * and leaves the registry. Nothing waits for anything to drain.
 */
public final class StreamSession {

    /** Told once when a session ends, with why and how many fetches it cancelled. */
    public interface CloseListener {
        void closed(StreamSession session, String reason, int cancelledFetches);
    }

    private final String id;
    private final List<Source> sources;
    private final StreamSettings settings;
    private final SseChannel channel;
    private final CloseListener listener;
    private final Instant startedAt = Instant.now();
    private final Map<String, Future<?>> pending = new ConcurrentHashMap<>();
    private final Object progressLock = new Object();
    private int completed;
    private int successful;
    private int failed;
    private int totalArticles;
    private volatile int completedSoFar; // for readers that must not take the lock
    private volatile boolean finished;
    private volatile String phase = "starting";

    public StreamSession(String id, List<Source> sources, StreamSettings settings, ChannelFactory channels,
                         CloseListener listener) {
        this.id = id;
        this.sources = List.copyOf(sources);
        this.settings = settings;
        this.listener = listener;
        this.channel = channels.open(id, this::channelClosed);
    }

    /** Makes this session's channel; the session hears once when it closes. */
    @FunctionalInterface
    public interface ChannelFactory {
        SseChannel open(String id, java.util.function.Consumer<String> onClose);
    }

    public SseChannel channel() {
        return channel;
    }

    public void sendInitial(StreamEvent.Initial initial) {
        channel.sendWithRetryHint(initial.status(), initial);
    }

    public void sendStarting(int activeStreams, boolean retryHint) {
        StreamEvent.Starting starting = new StreamEvent.Starting(id, "Fetching " + sources.size() + " sources", activeStreams);
        if (retryHint) channel.sendWithRetryHint(starting.status(), starting);
        else channel.send(starting.status(), starting);
        phase = "streaming";
    }

    /** Ends the stream at once from the cache: nothing is fetched. */
    public void completeFromCache(int cachedArticles, int successfulSources, int failedSources, double cacheAgeSeconds) {
        synchronized (progressLock) {
            finished = true;
            completedSoFar = completed = sources.size();
            phase = "complete";
            StreamEvent.Complete done = new StreamEvent.Complete(id, "Used fresh cached data", cachedArticles,
                    successfulSources, failedSources, Progress.of(sources.size(), sources.size()),
                    Duration.between(startedAt, Instant.now()).toMillis(), cacheAgeSeconds);
            channel.sendLast(done.status(), done);
        }
    }

    /** Asks for every source (through the shared fetches); returns at once. */
    public void fetchAll(BiFunction<Source, String, CompletableFuture<SourceResult>> fetches) {
        if (sources.isEmpty()) {
            finish();
            return;
        }
        for (Source source : sources) {
            if (channel.isClosed()) break;
            CompletableFuture<SourceResult> result;
            try {
                result = fetches.apply(source, id);
            } catch (RejectedExecutionException e) {
                sourceFailed(source, "server busy: the fetch queue is full");
                continue;
            }
            pending.put(source.name(), result);
            result.whenComplete((r, error) -> {
                pending.remove(source.name());
                if (error == null) sourceDone(r);
                else if (!channel.isClosed()) sourceFailed(source, describe(error));
            });
        }
        // a close racing with this loop may have missed futures put after it looked: cancel those too
        if (channel.isClosed()) cancelPending();
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException) return "fetch cancelled";
        if (cause instanceof RejectedExecutionException) return "server busy: the fetch queue is full";
        return "unexpected failure: " + cause;
    }

    private void sourceDone(SourceResult result) {
        synchronized (progressLock) { // keeps frames in order: no source_complete can follow complete
            if (finished || channel.isClosed()) return;
            completedSoFar = ++completed;
            if (result.failed()) failed++; else successful++;
            totalArticles += result.articles().size();
            List<Article> first = result.articles().subList(0, Math.min(settings.articlesPerEvent(), result.articles().size()));
            StreamEvent.SourceComplete event = new StreamEvent.SourceComplete(id, result.source().name(), first,
                    result.stat(), Progress.of(completed, sources.size()));
            channel.send(event.status(), event);
            if (completed == sources.size()) finish();
        }
    }

    private void sourceFailed(Source source, String error) {
        synchronized (progressLock) {
            if (finished || channel.isClosed()) return;
            completedSoFar = ++completed;
            failed++;
            StreamEvent.SourceError event = new StreamEvent.SourceError(id, source.name(), error,
                    Progress.of(completed, sources.size()));
            channel.send(event.status(), event);
            if (completed == sources.size()) finish();
        }
    }

    private void finish() {
        synchronized (progressLock) {
            finished = true;
            phase = "complete";
            long ms = Duration.between(startedAt, Instant.now()).toMillis();
            StreamEvent.Complete done = new StreamEvent.Complete(id, "Processed " + sources.size() + " sources",
                    totalArticles, successful, failed, Progress.of(completed, sources.size()), ms, null);
            channel.sendLast(done.status(), done);
        }
    }

    private void channelClosed(String reason) {
        phase = "closed";
        listener.closed(this, reason, cancelPending());
    }

    private int cancelPending() {
        int cancelled = 0;
        for (Future<?> future : pending.values()) {
            if (future.cancel(true)) cancelled++;
        }
        return cancelled;
    }

    public String id() {
        return id;
    }

    public String phase() {
        return phase;
    }

    public int totalSources() {
        return sources.size();
    }

    public int sourcesCompleted() {
        return completedSoFar;
    }

    public long pendingFetches() {
        return pending.values().stream().filter(f -> !f.isDone()).count();
    }

    public boolean clientConnected() {
        return channel.clientConnected();
    }

    public Duration age() {
        return Duration.between(startedAt, Instant.now());
    }
}
