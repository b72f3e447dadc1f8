package dev.newsstream.stream.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.CacheSnapshot;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.stream.entity.Progress;
import dev.newsstream.stream.entity.StreamEvent;
import dev.newsstream.stream.entity.StreamRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's news stream, from its first frame to its last: what a resuming client missed (at its own
 * pace) or a resync and the cache's {@code initial}; {@code starting}; every source of its category
 * through the shared fetches, each reported as it finishes; {@code complete}; in live mode it then stays
 * open and pushes each new article. It owns its {@link SseChannel} and its pending fetch futures; when
 * the channel closes for any reason (client gone, too slow, done, lifetime over) it cancels every
 * pending future with {@code cancel(true)} and tells the registry. Fetch results reach it on a writer
 * thread, never on the feed thread that fetched them. Every frame's id is a position in the store's
 * arrival log, so a client that reconnects with {@code Last-Event-ID} gets exactly what it missed.
 */
public final class StreamSession {

    private static final Logger LOG = Logger.getLogger(StreamSession.class.getName());

    /** Told once when a session ends, with why and how many fetches it cancelled. */
    public interface CloseListener {
        void closed(StreamSession session, String reason, int cancelledFetches);
    }

    /** Makes this session's channel; the session hears once when it closes. */
    @FunctionalInterface
    public interface ChannelFactory {
        SseChannel open(String id, Consumer<String> onClose);
    }

    private final String id;
    private final List<Source> sources;
    private final boolean live;
    private final String category;
    private final Predicate<Article> inCategory;
    private final SessionServices services;
    private final StreamSettings settings;
    private final ArticleStore store;
    private final SseChannel channel;
    private final CloseListener listener;
    private final Instant startedAt = Instant.now();
    private final Instant expiresAt;
    private final Map<String, Future<?>> pending = new ConcurrentHashMap<>();
    private final Object progressLock = new Object();
    private final Object pumpLock = new Object();
    private int completed;
    private int successful;
    private int failed;
    private int totalArticles;
    private volatile int completedSoFar; // for readers that must not take the lock
    private volatile boolean finished;
    private volatile boolean pumping;     // articles flow from the arrival log, at the client's pace
    private volatile long pumpLimit;      // ... up to this arrival (the replay of a resume) or without end (live)
    private Runnable afterCatchUp;        // what follows once the pump reached pumpLimit (guarded by pumpLock)
    private volatile long cursor;         // every matching arrival up to here was sent (or carried) to this client
    private final long startedAt0;        // the last arrival when this stream opened: it gets everything after it
    private final java.util.Set<String> carried = ConcurrentHashMap.newKeySet(); // live: sent in source_complete
    private volatile long carriedUpTo;    // after this arrival no carried article can come from the log any more
    private volatile String phase = "starting";

    public StreamSession(String id, List<Source> sources, boolean live, String category, SessionServices services,
                         ChannelFactory channels, CloseListener listener) {
        this.id = id;
        this.sources = List.copyOf(sources);
        this.live = live;
        this.category = category;
        this.inCategory = a -> category == null || category.isBlank() || category.equals(a.category());
        this.services = services;
        this.settings = services.settings();
        this.store = services.store();
        this.listener = listener;
        this.expiresAt = startedAt.plus(settings.jitteredLifetime());
        this.channel = channels.open(id, this::channelClosed);
        this.channel.onDrained(this::pump);
        this.cursor = store.lastSequence();
        this.startedAt0 = cursor;
    }

    public SseChannel channel() {
        return channel;
    }

    /**
     * Runs the protocol up to the fetches and returns at once; the fetches' results arrive later on the
     * writer threads. Anything unexpected ends the stream with the protocol's error frame, never an
     * exception to the caller.
     */
    public void start(StreamRequest request) {
        try {
            begin(request);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Stream " + id + " failed unexpectedly", e);
            fail("unexpected failure: " + e);
        }
    }

    private void begin(StreamRequest request) {
        InitialFrames.View cache = services.initials().view(category, sources);
        OptionalLong resumeFrom = request.lastSequence();
        if (resumeFrom.isPresent() && store.canResumeFrom(resumeFrom.getAsLong())) {
            replayFrom(resumeFrom.getAsLong(), () -> proceed(request, cache, true));
            return;
        }
        boolean hinted = false;
        if (request.resuming()) {
            sendResync("Cannot resume from event id '" + request.lastEventId()
                    + "': it is unknown or older than the arrival log. Drop what you have; a full initial batch follows.");
            hinted = true;
        }
        if (cache.json() != null) {
            // the same bytes for every stream of this cache version, stamped with this stream's own position
            channel.sendJson("initial", position(), cache.json(), !hinted);
            hinted = true;
        }
        proceed(request, cache, hinted);
    }

    private void proceed(StreamRequest request, InitialFrames.View view, boolean hinted) {
        try {
            sendStarting(services.activeStreams().getAsInt(), !hinted);
            CacheSnapshot cache = view.snapshot();
            if (request.useCache() && cache.fresh()) {
                completeFromCache(cache.totalArticles(), cache.successfulSources(), cache.failedSources(),
                        cache.ageSeconds());
            } else {
                fetchAll();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Stream " + id + " failed unexpectedly", e);
            fail("unexpected failure: " + e);
        }
    }

    /**
     * The id frames are stamped with: every matching article that arrived up to it was sent to this client
     * (in {@code initial} or as {@code article} frames), so a resume from any id it saw loses nothing.
     */
    private long position() {
        return cursor;
    }

    private void sendResync(String why) {
        StreamEvent.Resync resync = new StreamEvent.Resync(id, why);
        channel.sendWithRetryHint(resync.status(), position(), resync);
    }

    /** Something unexpected broke the stream: the client gets one error frame, then the stream ends. */
    void fail(String error) {
        synchronized (progressLock) {
            finished = true;
            phase = "failed";
            StreamEvent.Failure failure = new StreamEvent.Failure(id, error);
            channel.sendLast(failure.status(), position(), failure);
        }
    }

    /**
     * A resuming client first gets every article of its categories that arrived after its last event id,
     * in order and at its own pace (the writer refills the outbox as the client reads), up to the
     * arrivals of the moment it reconnected; then {@code next} runs (starting and the fetches).
     */
    private void replayFrom(long lastSequence, Runnable next) {
        synchronized (pumpLock) {
            cursor = Math.min(lastSequence, startedAt0);
            pumpLimit = startedAt0;
            afterCatchUp = next;
            pumping = true;
        }
        pump();
    }

    private void sendStarting(int activeStreams, boolean retryHint) {
        StreamEvent.Starting starting = new StreamEvent.Starting(id, "Fetching " + sources.size() + " sources", activeStreams);
        if (retryHint) channel.sendWithRetryHint(starting.status(), position(), starting);
        else channel.send(starting.status(), position(), starting);
        phase = "streaming";
    }

    /** Completes at once from the cache: nothing is fetched. */
    private void completeFromCache(int cachedArticles, int successfulSources, int failedSources, double cacheAgeSeconds) {
        synchronized (progressLock) {
            completedSoFar = completed = sources.size();
            complete(new StreamEvent.Complete(id, "Used fresh cached data", cachedArticles, successfulSources,
                    failedSources, Progress.of(sources.size(), sources.size()),
                    Duration.between(startedAt, Instant.now()).toMillis(), cacheAgeSeconds));
        }
    }

    /**
     * Asks for every source (through the shared fetches); returns at once. Each result is reported on
     * {@code writers}: the feed thread that finished a shared fetch only hands it over, so it is free for
     * the next fetch however many streams waited for this one.
     */
    private void fetchAll() {
        if (sources.isEmpty()) {
            finish();
            return;
        }
        for (Source source : sources) {
            if (channel.isClosed()) break;
            CompletableFuture<SourceResult> result;
            try {
                result = services.fetches().apply(source, id);
            } catch (RejectedExecutionException e) {
                sourceFailed(source, "server busy: the fetch queue is full");
                continue;
            }
            pending.put(source.name(), result);
            result.whenComplete((r, error) -> handOff(services.writers(), () -> {
                pending.remove(source.name());
                if (error == null) sourceDone(r);
                else if (!channel.isClosed()) sourceFailed(source, describe(error));
            }));
        }
        // a close racing with this loop may have missed futures put after it looked: cancel those too
        if (channel.isClosed()) cancelPending();
    }

    /** Runs a result's report on a writer thread; with the writer queue full the stream cannot stay in order, so it ends. */
    private void handOff(Executor writers, Runnable report) {
        try {
            writers.execute(report);
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
        synchronized (progressLock) { // keeps frames in order: no source_complete can follow complete
            if (finished || channel.isClosed()) return;
            completedSoFar = ++completed;
            if (result.failed()) failed++; else successful++;
            totalArticles += result.articles().size();
            if (live) {
                List<Article> first = result.articles().subList(0, Math.min(settings.articlesPerEvent(), result.articles().size()));
                first.forEach(a -> carried.add(key(a)));
            }
            // the articles' JSON is made once per result for every stream that waited for it
            channel.sendJson("source_complete", position(),
                    services.results().json(id, result, Progress.of(completed, sources.size())));
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
            channel.send(event.status(), position(), event);
            if (completed == sources.size()) finish();
        }
    }

    private void finish() {
        synchronized (progressLock) {
            long ms = Duration.between(startedAt, Instant.now()).toMillis();
            complete(new StreamEvent.Complete(id, "Processed " + sources.size() + " sources", totalArticles,
                    successful, failed, Progress.of(completed, sources.size()), ms, null));
        }
    }

    /** Ends the fetching part: a plain stream closes after complete; a live one starts following the arrivals. */
    private void complete(StreamEvent.Complete done) {
        finished = true;
        if (!live) {
            phase = "complete";
            channel.sendLast(done.status(), position(), done);
            return;
        }
        // What arrived after this stream opened follows from the log, those its source_complete frames
        // carried skipped: every article stored after the start exactly once, whichever flight stored it.
        channel.send(done.status(), position(), done);
        phase = "live";
        synchronized (pumpLock) {
            carriedUpTo = store.lastSequence();
            pumpLimit = Long.MAX_VALUE;
            pumping = true;
        }
        pump();
    }

    private static final int PAGE = 32;

    /**
     * Moves arrivals into the outbox while the client keeps up. Called by the fan-out when articles
     * arrive and by the writer whenever the outbox runs empty, so a burst (or a resume's backlog) is
     * delivered at the client's own pace and never overflows a healthy client's outbox.
     */
    public void pump() {
        if (!pumping || channel.isClosed()) return;
        Runnable next = null;
        synchronized (pumpLock) {
            if (!pumping) return;
            while (channel.wantsMore(PAGE)) {
                long limit = pumpLimit;
                if (cursor >= limit || cursor >= store.lastSequence()) break;
                ArticleStore.ArrivalPage page = store.arrivedAfter(cursor, PAGE, inCategory);
                if (page == null) {
                    channel.close("client too slow: fell more than the live log behind");
                    return;
                }
                for (LoggedArticle arrived : page.articles()) {
                    if (arrived.sequence() > limit) break;
                    if (carried.isEmpty() || !carried.remove(key(arrived.article()))) sendArticle(arrived);
                }
                long reached = Math.min(page.cursor(), limit);
                if (reached <= cursor) break;
                cursor = reached;
                if (!carried.isEmpty() && cursor >= carriedUpTo) carried.clear();
            }
            if (afterCatchUp != null && cursor >= pumpLimit) {
                next = afterCatchUp;
                afterCatchUp = null;
                pumping = false;
            }
        }
        if (next != null) next.run();
    }

    private static String key(Article article) {
        return article.source() + '\n' + article.key();
    }

    private void sendArticle(LoggedArticle arrived) {
        channel.sendJson("article", arrived.sequence(), services.articles().json(arrived));
    }

    /** Heartbeats come fast while fetches are pending (to find vanished clients) and slow when idle. */
    void tick(long nowNanos, Instant now) {
        if (live && now.isAfter(expiresAt)) {
            channel.end("stream lifetime reached; reconnect with Last-Event-ID");
            return;
        }
        Duration interval = pending.isEmpty() && pumping ? settings.liveHeartbeat() : settings.heartbeat();
        channel.heartbeat(nowNanos, interval);
    }

    private void channelClosed(String reason) {
        phase = "closed";
        pumping = false;
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

    public boolean live() {
        return live;
    }

    public long cursor() {
        return cursor;
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
