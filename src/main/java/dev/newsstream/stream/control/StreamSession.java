package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.stream.entity.Progress;
import dev.newsstream.stream.entity.StreamEvent;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's stream, from first frame to last. It alone writes to its sink, through a bounded outbox
 * drained by one writer task at a time, so fetch tasks and the heartbeat never block on the client and
 * never write concurrently. When a write fails, the sink is found closed, the outbox overflows or the
 * work is done, {@link #close} cancels every pending fetch with {@code cancel(true)} (aborting its HTTP
 * exchange) and leaves the registry. Nothing waits for anything to drain.
 */
public final class StreamSession {

    private static final Logger LOG = Logger.getLogger(StreamSession.class.getName());

    /** What the outbox holds: a frame, and whether the stream ends once it is written. */
    private record Outgoing(OutboundSseEvent event, boolean last) {
    }

    /** Told once when a session closes, with why and how many fetches it cancelled. */
    public interface CloseListener {
        void closed(StreamSession session, String reason, int cancelledFetches);
    }

    private final String id;
    private final SseEventSink sink;
    private final Sse sse;
    private final List<Source> sources;
    private final StreamSettings settings;
    private final Executor writer;
    private final CloseListener listener;
    private final Instant startedAt = Instant.now();
    private final BlockingQueue<Outgoing> outbox;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean sinkClosed = new AtomicBoolean();
    private final Map<String, Future<?>> pending = new ConcurrentHashMap<>();
    private final AtomicLong eventIds = new AtomicLong();
    private final Object progressLock = new Object();
    private int completed;
    private volatile int completedSoFar; // for readers that must not take the lock
    private int successful;
    private int failed;
    private int totalArticles;
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile String phase = "starting";

    public StreamSession(String id, SseEventSink sink, Sse sse, List<Source> sources, StreamSettings settings,
                         Executor writer, CloseListener listener) {
        this.id = id;
        this.sink = sink;
        this.sse = sse;
        this.sources = List.copyOf(sources);
        this.settings = settings;
        this.writer = writer;
        this.listener = listener;
        this.outbox = new ArrayBlockingQueue<>(Math.max(8, settings.buffer()));
    }

    /** Sends {@code starting} and hands every source to the feed executor; returns at once. */
    public void start(int activeStreams, ExecutorService feeds, SourceTask task) {
        offer(new StreamEvent.Starting(id, "Fetching " + sources.size() + " sources", activeStreams), true);
        phase = "streaming";
        if (sources.isEmpty()) {
            finish();
            return;
        }
        for (Source source : sources) {
            if (closed.get()) break;
            try {
                pending.put(source.name(), feeds.submit(() -> run(source, task)));
            } catch (RejectedExecutionException e) {
                sourceFailed(source, "server busy: the fetch queue is full");
            }
        }
        // a close() racing with this loop may have missed futures put after it looked: cancel those too
        if (closed.get()) cancelPending();
    }

    /** How one source is read; throws InterruptedException when its task is cancelled. */
    @FunctionalInterface
    public interface SourceTask {
        SourceResult read(Source source) throws InterruptedException;
    }

    private void run(Source source, SourceTask task) {
        try {
            sourceDone(task.read(source));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled because the client left: nothing to report to anyone
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Stream " + id + ": reading " + source.name() + " failed unexpectedly", e);
            sourceFailed(source, "unexpected failure: " + e);
        } finally {
            pending.remove(source.name());
        }
    }

    private void sourceDone(SourceResult result) {
        synchronized (progressLock) { // keeps frames in order: no source_complete can follow complete
            if (closed.get()) return;
            completedSoFar = ++completed;
            if (result.failed()) failed++; else successful++;
            totalArticles += result.articles().size();
            List<Article> firstArticles =
                    result.articles().subList(0, Math.min(settings.articlesPerEvent(), result.articles().size()));
            offer(new StreamEvent.SourceComplete(id, result.source().name(), firstArticles, result.stat(),
                    Progress.of(completed, sources.size())), false);
            if (completed == sources.size()) finish();
        }
    }

    private void sourceFailed(Source source, String error) {
        synchronized (progressLock) {
            if (closed.get()) return;
            completedSoFar = ++completed;
            failed++;
            offer(new StreamEvent.SourceError(id, source.name(), error, Progress.of(completed, sources.size())), false);
            if (completed == sources.size()) finish();
        }
    }

    private void finish() {
        synchronized (progressLock) {
            phase = "complete";
            long ms = Duration.between(startedAt, Instant.now()).toMillis();
            StreamEvent done = new StreamEvent.Complete(id, "Processed " + sources.size() + " sources", totalArticles,
                    successful, failed, Progress.of(completed, sources.size()), ms);
            enqueue(new Outgoing(frame(done, false), true));
        }
    }

    /** Called by the registry's ticker: keeps the connection warm and finds clients that left. */
    void heartbeat(long nowNanos) {
        if (closed.get()) return;
        if (sink.isClosed()) {
            close("client disconnected");
            return;
        }
        long quietFor = nowNanos - lastWriteNanos;
        if (quietFor >= settings.heartbeat().toNanos() * 8 / 10 && outbox.isEmpty()) {
            enqueue(new Outgoing(sse.newEventBuilder().comment("heartbeat").build(), false));
        }
    }

    private void offer(StreamEvent event, boolean withRetryHint) {
        enqueue(new Outgoing(frame(event, withRetryHint), false));
    }

    private OutboundSseEvent frame(StreamEvent event, boolean withRetryHint) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder()
                .name(event.status())
                .id(String.valueOf(eventIds.incrementAndGet()))
                .data(JsonFormat.toJson(event));
        if (withRetryHint) builder.reconnectDelay(settings.retry().toMillis());
        return builder.build();
    }

    /** Never blocks: a client that cannot keep up with its outbox is disconnected instead. */
    private void enqueue(Outgoing outgoing) {
        if (closed.get()) return;
        if (!outbox.offer(outgoing)) {
            close("client too slow: " + outbox.size() + " frames waiting");
            return;
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (!draining.compareAndSet(false, true)) return;
        try {
            writer.execute(this::drain);
        } catch (RejectedExecutionException e) {
            draining.set(false);
            close("server overloaded: no writer available");
            LOG.warning(() -> "Stream " + id + ": writer executor rejected the stream's writes; its connection stays open until the client leaves");
        }
    }

    private void drain() {
        try {
            while (true) {
                if (closed.get()) {
                    closeSink();
                    return;
                }
                Outgoing next = outbox.poll();
                if (next == null) return;
                if (!write(next.event())) {
                    close("client disconnected");
                    closeSink();
                    return;
                }
                if (next.last()) {
                    close("complete");
                    closeSink();
                    return;
                }
            }
        } finally {
            draining.set(false);
            // a frame (or a close) that arrived after the last poll must not wait for the next one
            if (!outbox.isEmpty() && !closed.get() || closed.get() && !sinkClosed.get()) scheduleDrain();
        }
    }

    private boolean write(OutboundSseEvent event) {
        if (sink.isClosed()) return false;
        try {
            sink.send(event).toCompletableFuture().get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            lastWriteNanos = System.nanoTime();
            return true;
        } catch (IllegalStateException | ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeSink() {
        if (!sinkClosed.compareAndSet(false, true)) return;
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Stream " + id + ": closing the sink failed; the client is gone anyway", e);
        }
    }

    /** Idempotent. Cancels this client's pending fetches and leaves the registry; the writer closes the sink. */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) return;
        phase = "closed";
        int cancelled = cancelPending();
        if (!"complete".equals(reason)) outbox.clear();
        listener.closed(this, reason, cancelled);
        scheduleDrain();
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
        return !closed.get() && !sink.isClosed();
    }

    public Duration age() {
        return Duration.between(startedAt, Instant.now());
    }
}
