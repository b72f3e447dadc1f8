package dev.newsstream.stream.control;

import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's end of an SSE connection for unit tests of {@link SseChannel}: it records the frames it is
 * given, and can stall (a write that never finishes until {@link #release}), fail, or vanish. Also the
 * {@link Sse} that builds the frames, as plain values.
 */
final class RecordingSink implements SseEventSink, Sse {

    /** One frame as the client would see it. */
    record Frame(String name, String id, String comment, Object data, long reconnectDelay)
            implements OutboundSseEvent {
        @Override public String getName() { return name; }
        @Override public String getId() { return id; }
        @Override public String getComment() { return comment; }
        @Override public Object getData() { return data; }
        @Override public long getReconnectDelay() { return reconnectDelay; }
        @Override public boolean isReconnectDelaySet() { return reconnectDelay >= 0; }
        @Override public Class<?> getType() { return data == null ? null : data.getClass(); }
        @Override public Type getGenericType() { return getType(); }
        @Override public MediaType getMediaType() { return MediaType.TEXT_PLAIN_TYPE; }
    }

    final List<Frame> written = new CopyOnWriteArrayList<>();
    final AtomicInteger closes = new AtomicInteger();
    private volatile boolean vanished;
    private volatile boolean failing;
    private volatile CompletableFuture<Void> stall; // non-null: writes wait on it

    /** From now on every write waits until {@link #release}. */
    void stallWrites() {
        stall = new CompletableFuture<>();
    }

    void release() {
        CompletableFuture<Void> s = stall;
        stall = null;
        if (s != null) s.complete(null);
    }

    void failWrites() {
        failing = true;
    }

    /** The client left: Jersey's sink reports closed. */
    void vanish() {
        vanished = true;
    }

    List<String> names() {
        return written.stream().map(f -> f.name() != null ? f.name() : "#" + f.comment()).toList();
    }

    @Override
    public boolean isClosed() {
        return vanished || closes.get() > 0;
    }

    @Override
    public CompletionStage<?> send(OutboundSseEvent event) {
        if (failing) return CompletableFuture.failedFuture(new java.io.IOException("Broken pipe"));
        CompletableFuture<Void> s = stall;
        written.add((Frame) event);
        return s != null ? s : CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    @Override
    public OutboundSseEvent.Builder newEventBuilder() {
        return new OutboundSseEvent.Builder() {
            private String name;
            private String id;
            private String comment;
            private Object data;
            private long delay = -1;

            @Override public OutboundSseEvent.Builder id(String id) { this.id = id; return this; }
            @Override public OutboundSseEvent.Builder name(String name) { this.name = name; return this; }
            @Override public OutboundSseEvent.Builder reconnectDelay(long millis) { this.delay = millis; return this; }
            @Override public OutboundSseEvent.Builder mediaType(MediaType mediaType) { return this; }
            @Override public OutboundSseEvent.Builder comment(String comment) { this.comment = comment; return this; }
            @Override public OutboundSseEvent.Builder data(Class type, Object data) { this.data = data; return this; }
            @Override public OutboundSseEvent.Builder data(GenericType type, Object data) { this.data = data; return this; }
            @Override public OutboundSseEvent.Builder data(Object data) { this.data = data; return this; }
            @Override public OutboundSseEvent build() { return new Frame(name, id, comment, data, delay); }
        };
    }

    @Override
    public SseBroadcaster newBroadcaster() {
        throw new UnsupportedOperationException("the channel never broadcasts");
    }
}
