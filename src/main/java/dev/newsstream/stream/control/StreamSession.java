package dev.newsstream.stream.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.CacheSnapshot;
import dev.newsstream.stream.entity.Progress;
import dev.newsstream.stream.entity.StreamEvent;
import dev.newsstream.stream.entity.StreamRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's news stream, from its first frame to its last: what a resuming client missed (at its own
 * pace) or a resync and the cache's {@code initial}; {@code starting}; every source of its category
 * through the shared fetches, each reported as it finishes ({@link SourceReports}); {@code complete}; in
 * live mode it then stays open and pushes each new article ({@link ArrivalFollower}). It owns its
 * {@link SseChannel}; when the channel closes for any reason (client gone, too slow, done, lifetime over)
 * it cancels every pending fetch with {@code cancel(true)} and tells the registry. Every frame's id is a position in the store's
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
    private final ArrivalFollower arrivals;
    private final CloseListener listener;
    private final Instant startedAt = Instant.now();
    private final long expiresAtNanos;
    private final SourceReports reports;
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
        this.expiresAtNanos = System.nanoTime() + settings.jitteredLifetime().toNanos();
        this.channel = channels.open(id, this::channelClosed);
        this.channel.onDrained(this::drained);
        this.arrivals = new ArrivalFollower(store, channel, services.articles(), inCategory);
        this.reports = new SourceReports(id, this.sources, live, channel, arrivals, services, this::position,
                (articles, successful, failed, progress) -> complete(new StreamEvent.Complete(id,
                        "Processed " + this.sources.size() + " sources", articles, successful, failed, progress,
                        Duration.between(startedAt, Instant.now()).toMillis(), null)));
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
        InitialFrames.View cache = services.initials().view(category, sources, position());
        OptionalLong resumeFrom = request.lastSequence();
        if (resumeFrom.isPresent() && store.canResumeFrom(resumeFrom.getAsLong())) {
            // what it missed, in order and at its own pace, up to the arrivals of the moment it reconnected
            arrivals.replayFrom(resumeFrom.getAsLong(), () -> proceed(request, cache, true));
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
                reports.fetchAll();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Stream " + id + " failed unexpectedly", e);
            fail("unexpected failure: " + e);
        }
    }

    private long position() {
        return arrivals.position();
    }

    private void sendResync(String why) {
        StreamEvent.Resync resync = new StreamEvent.Resync(id, why);
        channel.sendWithRetryHint(resync.status(), position(), resync);
    }

    /** Something unexpected broke the stream: the client gets one error frame, then the stream ends. */
    void fail(String error) {
        reports.endWith(false, () -> {
            phase = "failed";
            StreamEvent.Failure failure = new StreamEvent.Failure(id, error);
            channel.sendLast(failure.status(), position(), failure);
        });
    }

    private void sendStarting(int activeStreams, boolean retryHint) {
        StreamEvent.Starting starting = new StreamEvent.Starting(id, "Fetching " + sources.size() + " sources", activeStreams);
        if (retryHint) channel.sendWithRetryHint(starting.status(), position(), starting);
        else channel.send(starting.status(), position(), starting);
        phase = "streaming";
    }

    /** Completes at once from the cache: nothing is fetched. */
    private void completeFromCache(int cachedArticles, int successfulSources, int failedSources, double cacheAgeSeconds) {
        reports.endWith(true, () -> complete(new StreamEvent.Complete(id, "Used fresh cached data", cachedArticles,
                successfulSources, failedSources, Progress.of(sources.size(), sources.size()),
                Duration.between(startedAt, Instant.now()).toMillis(), cacheAgeSeconds)));
    }

    /** The writer found the outbox empty: held source reports go first, then the arrival log. */
    private void drained() {
        reports.drained();
        pump();
    }

    /** Ends the fetching part: a plain stream closes after complete; a live one starts following the arrivals. */
    private void complete(StreamEvent.Complete done) {
        if (!live) {
            phase = "complete";
            channel.sendLast(done.status(), position(), done);
            return;
        }
        // What arrived after this stream opened follows from the log, those its source_complete frames
        // carried skipped: every article stored after the start exactly once, whichever flight stored it.
        channel.send(done.status(), position(), done);
        phase = "live";
        arrivals.followLive();
    }

    /** New arrivals in the store: a live stream takes what it has room for. */
    public void pump() {
        arrivals.pump();
    }

    /** Heartbeats come fast while fetches are pending (to find vanished clients) and slow when idle. */
    void tick(long nowNanos, long heartbeatNanos, long liveHeartbeatNanos) {
        if (live && nowNanos - expiresAtNanos > 0) {
            channel.end("stream lifetime reached; reconnect with Last-Event-ID");
            return;
        }
        channel.heartbeat(nowNanos, reports.nonePending() && arrivals.following() ? liveHeartbeatNanos : heartbeatNanos);
    }

    /**
     * Nothing to do but wait for arrivals: live, caught up, no fetch pending and nothing on its way to the
     * client. The ticker visits such a stream about once a second instead of at every tick.
     */
    boolean resting() {
        return live && reports.nonePending() && arrivals.following() && channel.quiet();
    }

    private void channelClosed(String reason) {
        phase = "closed";
        arrivals.stop();
        listener.closed(this, reason, reports.cancelPending());
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
        return arrivals.position();
    }

    public int totalSources() {
        return sources.size();
    }

    public int sourcesCompleted() {
        return reports.completed();
    }

    public long pendingFetches() {
        return reports.pendingFetches();
    }

    public boolean clientConnected() {
        return channel.clientConnected();
    }

    public Duration age() {
        return Duration.between(startedAt, Instant.now());
    }
}
