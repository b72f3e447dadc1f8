package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import dev.newsstream.ingest.control.FetchCoordinator;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.stream.entity.StreamEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import dev.newsstream.stream.entity.StreamRequest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The active streams, and nothing of their protocol: admits a new one only under the caps (and hands it
 * to its {@link StreamSession}, which runs everything from there), keeps them warm with one heartbeat
 * ticker on the managed scheduler (not one timer per stream), fans new arrivals out to live streams,
 * and counts what happened to them.
 */
@ApplicationScoped
public class StreamRegistry {

    private static final Logger LOG = Logger.getLogger(StreamRegistry.class.getName());

    @Inject
    StreamSettings settings;

    @Inject
    FetchCoordinator coordinator;

    @Inject
    ArticleStore store;

    @Inject
    StreamMetrics metrics;

    @Inject
    ArticleFrames frames;

    @Inject
    StreamWriters writers;

    @Inject
    InitialFrames initials;

    @Inject
    SourceFrames results;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    /** Every open stream, by id. */
    private final Map<String, StreamSession> active = new ConcurrentHashMap<>();
    /** The streams the ticker visits at every tick: fetching, writing, catching up, or not live. */
    private final Set<StreamSession> busy = ConcurrentHashMap.newKeySet();
    /**
     * The resting ones ({@link StreamSession#resting()}), in {@link #RESTING_TURNS} groups visited in turn: each
     * about once a second. With 10,000 idle live clients, visiting them all four times a second was most of the
     * server's idle CPU; once a second still keeps their heartbeats on time and their write deadline checked.
     */
    private final List<Set<StreamSession>> resting = java.util.stream.Stream.<Set<StreamSession>>generate(
            ConcurrentHashMap::newKeySet).limit(RESTING_TURNS).toList();
    private static final int RESTING_TURNS = 4;
    private long ticks; // the ticker's own
    private final Map<String, SseChannel> otherChannels = new ConcurrentHashMap<>();
    private final AddressCounts perAddress = new AddressCounts();
    private final java.util.concurrent.atomic.AtomicBoolean unobservableLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<String, String> addressOf = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean fanOutScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong created = new AtomicLong();
    private SessionServices services;
    private ScheduledFuture<?> ticker;
    private volatile long lastTickNanos = System.nanoTime();

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up creates the bean, and so starts the heartbeat ticker, before the first stream
    }

    @PostConstruct
    void startTicker() {
        start(coordinator::fetch, scheduler);
    }

    /**
     * Starts with the shared fetches and the scheduler handed over as plain types, so that the registry runs
     * without a container too (StreamRegistryTest: a memory store, its own fetches, a JDK scheduler).
     */
    void start(BiFunction<Source, String, CompletableFuture<SourceResult>> fetches, ScheduledExecutorService scheduler) {
        services = new SessionServices(settings, store, frames, initials, results, fetches, writers, admitted::get);
        store.onNewArticles(arrived -> fanOut());
        long every = Math.max(50, settings.heartbeat().toMillis());
        ticker = scheduler.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
        metrics.gauge("newsstream_streams_active", "Streams open now", this::activeCount);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) ticker.cancel(false);
        active.values().forEach(s -> s.channel().close("server shutting down"));
        otherChannels.values().forEach(c -> c.close("server shutting down"));
    }

    /** Admits a stream over these sources and lets its session run it, or answers with a cap's error frame. Never blocks. */
    public void open(String id, StreamRequest request, jakarta.servlet.ServletRequest client, List<Source> sources,
                     SseEventSink sink, Sse sse) {
        open(id, request, client.getRemoteAddr(), () -> ClientConnection.of(client, settings.sendBuffer()), sources,
                sink, sse);
    }

    /**
     * The same, with the client's address and its connection as plain arguments; the connection is found only once
     * the stream is admitted (a rejected client costs no reflection into the container).
     */
    void open(String id, StreamRequest request, String address, Supplier<ClientConnection> client, List<Source> sources,
              SseEventSink sink, Sse sse) {
        if (!admit()) {
            metrics.streamRejected();
            reject(sink, sse, "Too many active streams (" + settings.maxActive() + "). Please try again later.");
            return;
        }
        if (!perAddress.tryAcquire(address, settings.maxPerAddress())) {
            admitted.decrementAndGet();
            metrics.streamRejected();
            reject(sink, sse, "Too many streams from your address (" + settings.maxPerAddress()
                    + "). Close some or try again later.");
            return;
        }
        addressOf.put(id, address);
        ClientConnection connection = client.get();
        if (!connection.observable() && !connection.goneAtOpen() && unobservableLogged.compareAndSet(false, true)) {
            LOG.warning("Client connections cannot be observed (" + connection.unobservableBecause() + "): a client's"
                    + " bytes are bounded by its outbox and the write deadline only");
        }
        created.incrementAndGet();
        metrics.streamOpened();
        StreamSession session = new StreamSession(id, sources, request.live(), request.category(), services,
                (sid, onClose) -> new SseChannel(sid, sink, sse, settings, writers, connection, onClose), this::closed);
        active.put(id, session);
        busy.add(session);
        session.start(request);
    }

    /** One fan-out for all live streams: the fetch thread that stored new articles only schedules it. */
    private void fanOut() {
        if (!fanOutScheduled.compareAndSet(false, true)) return;
        try {
            writers.execute(() -> {
                fanOutScheduled.set(false);
                for (StreamSession session : active.values()) {
                    if (session.live()) session.pump();
                }
            });
        } catch (RejectedExecutionException e) {
            fanOutScheduled.set(false);
            LOG.warning("Live fan-out skipped: the writer executor is full; live streams catch up on their next drain");
        } catch (RuntimeException e) {
            // whatever failed, the next arrival must be able to schedule a fan-out: a flag left set would skip
            // every later one, and live streams would only catch up at their heartbeats
            fanOutScheduled.set(false);
            LOG.log(Level.WARNING, "Live fan-out failed; live streams catch up on their next drain", e);
        }
    }

    /**
     * A random version-4 UUID. Not {@code UUID.randomUUID()}: its one shared {@code SecureRandom} is a lock
     * every request thread takes, and 2,000 streams opened at once waited on it for up to 5 s. An id
     * names a stream in logs, headers and {@code /debug}; it grants nothing, so it needs no secure random.
     */
    public String newStreamId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L;                        // version 4
        long low = random.nextLong() & ~0xC000000000000000L | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }

    private boolean admit() {
        while (true) {
            int now = admitted.get();
            if (now >= settings.maxActive()) return false;
            if (admitted.compareAndSet(now, now + 1)) return true;
        }
    }

    private void reject(SseEventSink sink, Sse sse, String message) {
        var frame = sse.newEventBuilder()
                .name("error")
                .reconnectDelay(settings.retry().toMillis())
                .data(JsonFormat.toJson(new StreamEvent.Rejected(message)))
                .build();
        Runnable answer = () -> {
            try (sink) {
                sink.send(frame);
            }
        };
        try {
            writers.execute(answer);
        } catch (RejectedExecutionException e) {
            try {
                sink.close();
            } catch (RuntimeException ignored) {
                // the client is dropped either way
            }
        }
    }

    private void closed(StreamSession session, String reason, int cancelled) {
        if (active.remove(session.id()) != null) admitted.decrementAndGet();
        busy.remove(session);
        restingGroupOf(session).remove(session);
        String address = addressOf.remove(session.id());
        if (address != null) perAddress.release(address);
        metrics.streamClosed(reason);
        metrics.futuresCancelled(cancelled);
        if (reason.startsWith("client")) metrics.disconnectDetected();
        LOG.fine(() -> "Stream " + session.id() + " closed: " + reason + " (" + cancelled + " fetches cancelled)");
    }

    private void tick() {
        lastTickNanos = System.nanoTime();
        long now = lastTickNanos;
        long heartbeat = settings.heartbeat().toNanos(), liveHeartbeat = settings.liveHeartbeat().toNanos();
        for (StreamSession session : busy) {
            if (visit(session, now, heartbeat, liveHeartbeat) && session.resting()) {
                busy.remove(session);
                restingGroupOf(session).add(session);
            }
        }
        Set<StreamSession> turn = resting.get((int) (ticks++ % RESTING_TURNS));
        for (StreamSession session : turn) {
            if (visit(session, now, heartbeat, liveHeartbeat) && !session.resting()) {
                turn.remove(session);
                busy.add(session);
            }
        }
        for (Map.Entry<String, SseChannel> other : otherChannels.entrySet()) {
            try {
                other.getValue().heartbeat(now, heartbeat);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Heartbeat of stream " + other.getKey() + " failed", e);
            }
        }
    }

    /** One stream's tick; false (and forgotten by the ticker) if it has closed. */
    private boolean visit(StreamSession session, long now, long heartbeat, long liveHeartbeat) {
        if (session.channel().isClosed()) { // closed() forgot it already, unless the ticker moved it meanwhile
            busy.remove(session);
            restingGroupOf(session).remove(session);
            return false;
        }
        try {
            session.tick(now, heartbeat, liveHeartbeat);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Heartbeat of stream " + session.id() + " failed", e);
        }
        return true;
    }

    private Set<StreamSession> restingGroupOf(StreamSession session) {
        return resting.get(Math.floorMod(session.hashCode(), RESTING_TURNS));
    }

    /** A channel that is not a news stream (e.g. a refresh's progress) but must be kept warm and watched too. */
    public SseChannel openChannel(String id, SseEventSink sink, Sse sse, java.util.function.Consumer<String> onClose) {
        SseChannel channel = new SseChannel(id, sink, sse, settings, writers, reason -> {
            otherChannels.remove(id);
            onClose.accept(reason);
        });
        otherChannels.put(id, channel);
        return channel;
    }

    /** How long ago the heartbeat ticker last ran: a stalled scheduler shows here. */
    public java.time.Duration sinceLastTick() {
        return java.time.Duration.ofNanos(System.nanoTime() - lastTickNanos);
    }

    public int maxActive() {
        return settings.maxActive();
    }

    public int activeCount() {
        return active.size();
    }

    public Collection<StreamSession> sessions() {
        return active.values();
    }

    public long created() {
        return created.get();
    }
}
