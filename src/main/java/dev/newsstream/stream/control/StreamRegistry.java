package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import dev.newsstream.feed.control.SourceReader;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.stream.entity.StreamEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The active streams: admits a new one only under the cap, keeps them warm with one heartbeat ticker
 * on the managed scheduler (not one timer per stream), and counts what happened to them.
 */
@ApplicationScoped
public class StreamRegistry {

    private static final Logger LOG = Logger.getLogger(StreamRegistry.class.getName());

    @Inject
    StreamSettings settings;

    @Inject
    SourceReader reader;

    @Resource(lookup = "concurrent/newsstream/feeds")
    ManagedExecutorService feeds;

    @Resource(lookup = "concurrent/newsstream/writers")
    ManagedExecutorService writers;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    private final Map<String, StreamSession> active = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong cancelledFetches = new AtomicLong();
    private ScheduledFuture<?> ticker;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up creates the bean, and so starts the heartbeat ticker, before the first stream
    }

    @PostConstruct
    void startTicker() {
        long every = Math.max(50, settings.heartbeat().toMillis());
        ticker = scheduler.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) ticker.cancel(false);
        active.values().forEach(s -> s.close("server shutting down"));
    }

    /** Opens a stream over these sources, or answers with the cap's error frame. Never blocks. */
    public void open(String id, List<Source> sources, SseEventSink sink, Sse sse) {
        if (!admit()) {
            rejected.incrementAndGet();
            reject(sink, sse);
            return;
        }
        created.incrementAndGet();
        StreamSession session = new StreamSession(id, sink, sse, sources, settings, writers, this::closed);
        active.put(id, session);
        session.start(admitted.get(), feeds, reader::read);
    }

    public String newStreamId() {
        return UUID.randomUUID().toString();
    }

    private boolean admit() {
        while (true) {
            int now = admitted.get();
            if (now >= settings.maxActive()) return false;
            if (admitted.compareAndSet(now, now + 1)) return true;
        }
    }

    private void reject(SseEventSink sink, Sse sse) {
        String message = "Too many active streams (" + settings.maxActive() + "). Please try again later.";
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
        cancelledFetches.addAndGet(cancelled);
        if (reason.startsWith("client")) disconnects.incrementAndGet();
        LOG.fine(() -> "Stream " + session.id() + " closed: " + reason + " (" + cancelled + " fetches cancelled)");
    }

    private void tick() {
        long now = System.nanoTime();
        for (StreamSession session : active.values()) {
            try {
                session.heartbeat(now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Heartbeat of stream " + session.id() + " failed", e);
            }
        }
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

    public long rejected() {
        return rejected.get();
    }

    public long disconnects() {
        return disconnects.get();
    }

    public long cancelledFetches() {
        return cancelledFetches.get();
    }
}
