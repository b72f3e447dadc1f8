package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The only writer of one SSE connection. Frames go into a bounded outbox that one writer task at a
 * time drains on the writer executor, so producers (fetch tasks, the heartbeat ticker, the fan-out)
 * never block on the client and never write concurrently. A failed or stalled write, a full outbox or
 * a closed sink closes the channel; {@link #close} is idempotent and tells its owner exactly once.
 *
 * <p>What one client can pin is bounded in bytes ({@code newsstream.stream.max-client-bytes}): the
 * frames in its outbox, what the container queued for its connection and the socket's (capped) send
 * buffer. When the {@link ClientConnection} is observable, a frame is handed to the container only
 * while its write queue is under a small window, so a write never blocks and a writer thread never
 * waits for a client; frames wait in the outbox instead ("parked"), and the heartbeat ticker resumes
 * the drain once the client has read. A client over its bound, or parked longer than the write
 * deadline, is closed at the connection.
 */
public final class SseChannel {

    private static final Logger LOG = Logger.getLogger(SseChannel.class.getName());

    private record Outgoing(OutboundSseEvent event, boolean last, int bytes) {
        Outgoing(OutboundSseEvent event, boolean last) {
            this(event, last, 16);
        }
    }

    private static final int FRAME_OVERHEAD = 48; // "event: …\nid: …\ndata: …\n\n" and the chunk header

    private final String id;
    private final SseEventSink sink;
    private final Sse sse;
    private final StreamSettings settings;
    private final Executor writer;
    private final Consumer<String> onClose;
    private final ClientConnection connection;
    private final AtomicLong outboxBytes = new AtomicLong();
    private volatile long parkedSince;   // 0 unless frames wait for the container to take them
    private final BlockingQueue<Outgoing> outbox;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean sinkClosed = new AtomicBoolean();
    // held around each write and around closing the connection: closing it under a running write makes the
    // container log an error per client let go; a write here never blocks (the container's queue is unlimited)
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean wroteOnce;      // the response is committed: headers and a frame are queued
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile long writeStartedNanos; // 0 while no write is in progress
    private volatile Runnable onDrained = () -> { };
    private volatile boolean letGo;
    private long nextProbeNanos;             // the ticker's own: when to ask the socket whether the client left
    private long zeroWindowSince;            // the table watch's own: 0 unless the client's window is closed
    private volatile boolean inTable;        // the connection table has listed this connection: it watches it
    // the settings this channel reads on every tick and write, read once: a CDI proxy call per stream per
    // tick was a third of the heartbeat ticker's CPU with 19,000 idle clients
    private final long writeTimeoutNanos;
    private final long probeEveryNanos;
    private final long maxClientBytes;
    private final int window;

    public SseChannel(String id, SseEventSink sink, Sse sse, StreamSettings settings, Executor writer,
                      Consumer<String> onClose) {
        this(id, sink, sse, settings, writer, ClientConnection.unobservable("not given"), onClose);
    }

    public SseChannel(String id, SseEventSink sink, Sse sse, StreamSettings settings, Executor writer,
                      ClientConnection connection, Consumer<String> onClose) {
        this.connection = connection;
        this.id = id;
        this.sink = sink;
        this.sse = sse;
        this.settings = settings;
        this.writer = writer;
        this.onClose = onClose;
        this.outbox = new ArrayBlockingQueue<>(Math.max(8, settings.buffer()));
        this.writeTimeoutNanos = settings.writeTimeout().toNanos();
        this.probeEveryNanos = settings.disconnectProbe().toNanos();
        this.maxClientBytes = settings.maxClientBytes();
        this.window = (int) Math.max(16 * 1024, Math.min(128 * 1024, maxClientBytes / 8));
        // spread the probes of streams opened together over one probe interval
        this.nextProbeNanos = System.nanoTime()
                + (long) (java.util.concurrent.ThreadLocalRandom.current().nextDouble() * probeEveryNanos);
    }

    /** Queues a JSON frame whose SSE event name is {@code name}; never blocks. */
    public void send(String name, long id, Object payload) {
        String json = JsonFormat.toJson(payload);
        enqueue(new Outgoing(frame(name, id, json, false), false, json.length() + FRAME_OVERHEAD));
    }

    /** Like {@link #send} with the JSON already made: the live fan-out serialises each article once for all clients. */
    public void sendJson(String name, long id, String json) {
        sendJson(name, id, json, false);
    }

    /** Like {@link #sendJson(String, long, String)}, with the browser's reconnect hint if asked. */
    public void sendJson(String name, long id, String json, boolean retryHint) {
        enqueue(new Outgoing(frame(name, id, json, retryHint), false, json.length() + FRAME_OVERHEAD));
    }

    /** Like {@link #send} and also tells the browser how long to wait before reconnecting. */
    public void sendWithRetryHint(String name, long id, Object payload) {
        String json = JsonFormat.toJson(payload);
        enqueue(new Outgoing(frame(name, id, json, true), false, json.length() + FRAME_OVERHEAD));
    }

    /** Queues the final frame: once it is written the connection is closed cleanly. */
    public void sendLast(String name, long id, Object payload) {
        String json = JsonFormat.toJson(payload);
        enqueue(new Outgoing(frame(name, id, json, false), true, json.length() + FRAME_OVERHEAD));
    }

    /** Ends the stream cleanly after what is queued, with a comment saying why (EventSource then reconnects). */
    public void end(String why) {
        enqueue(new Outgoing(sse.newEventBuilder().comment(why).build(), true));
    }

    /** Called by the writer each time the outbox runs empty: the place to refill it from a shared log. */
    public void onDrained(Runnable refill) {
        this.onDrained = refill;
    }

    /**
     * Whether a refill of about {@code frames} frames is welcome: the outbox is at most half full in frames,
     * under its low-water mark in bytes, and the container has taken what it was given.
     */
    public boolean wantsMore(int frames) {
        return !closed.get() && parkedSince == 0 && outbox.remainingCapacity() >= Math.max(frames + 8, outbox.size())
                && outboxBytes.get() < window() / 2;
    }

    /** What the container may hold for this client before the channel stops handing it frames. */
    private int window() {
        return window;
    }

    /** Bytes this client pins now: its outbox, the container's write queue and the socket's send buffer. */
    public long pinnedBytes() {
        return outboxBytes.get() + connection.queuedBytes() + connection.sendBufferBytes();
    }

    /** Free slots in the outbox. */
    public int room() {
        return outbox.remainingCapacity();
    }

    /** Keeps the connection warm and finds clients that left: only a write reveals a vanished client. */
    public void heartbeat(long nowNanos, java.time.Duration interval) {
        heartbeat(nowNanos, interval.toNanos());
    }

    /** This channel's connection as the kernel's table names it (null if unknown). */
    TcpTable.Peer peer() {
        return connection.peer();
    }

    /**
     * Told by the {@link ConnectionTableWatch} what the kernel's table says of this connection now
     * ({@code null}: not listed). A connection the client closed ({@code CLOSE_WAIT}) has lost its client; once
     * listed, the table watches this connection and the socket probe stops. A connection missing from the table
     * proves nothing: the kernel writes the table in pages, and one that changes meanwhile can skip entries.
     */
    void seenInTable(TcpTable.State state, long nowNanos) {
        if (closed.get()) return;
        if (state == null) { // a zero window must be seen at every check to count
            zeroWindow(false, nowNanos);
            return;
        }
        inTable = true;
        if (state == TcpTable.State.CLOSED_BY_PEER) {
            close("client disconnected");
            return;
        }
        zeroWindow(state == TcpTable.State.ZERO_WINDOW, nowNanos);
    }

    /**
     * Whether the client's receive window is closed now. A client seen so at every check for longer than the
     * write deadline has stopped reading: it is let go although the kernel still takes its bytes and no
     * write of ours waits yet.
     */
    void zeroWindow(boolean seen, long nowNanos) {
        if (!seen) {
            zeroWindowSince = 0;
            return;
        }
        if (closed.get()) return;
        if (zeroWindowSince == 0) {
            zeroWindowSince = nowNanos;
        } else if (nowNanos - zeroWindowSince > writeTimeoutNanos) {
            close("client too slow: it read nothing for " + settings.writeTimeout().toSeconds()
                    + " s (its receive window stayed closed)");
        }
    }

    /** Called by the ticker for every stream: the common case (nothing due) must cost next to nothing. */
    public void heartbeat(long nowNanos, long intervalNanos) {
        if (closed.get()) return;
        if (sink.isClosed()) {
            close("client disconnected");
            return;
        }
        if (probeEveryNanos > 0 && !inTable && nowNanos - nextProbeNanos >= 0) {
            nextProbeNanos = nowNanos + probeEveryNanos;
            if (connection.peerClosed()) {
                close("client disconnected");
                return;
            }
        }
        long writing = writeStartedNanos;
        if (writing != 0 && nowNanos - writing > writeTimeoutNanos) {
            close("client too slow: a write blocked for more than " + settings.writeTimeout().toSeconds() + " s", true);
            return;
        }
        long parked = parkedSince;
        if (parked != 0) {
            if (connection.queuedBytes() < window) {
                parkedSince = 0;
                scheduleDrain();
            } else if (nowNanos - parked > writeTimeoutNanos) {
                close("client too slow: took nothing for " + settings.writeTimeout().toSeconds() + " s");
                return;
            } else {
                return; // frames wait: no heartbeat on top of them
            }
        }
        if (nowNanos - lastWriteNanos >= intervalNanos * 8 / 10 && outbox.isEmpty()) {
            enqueue(new Outgoing(sse.newEventBuilder().comment("heartbeat").build(), false));
        }
    }

    private OutboundSseEvent frame(String name, long id, String json, boolean retryHint) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder()
                .name(name)
                .id(String.valueOf(id))
                .data(json);
        if (retryHint) builder.reconnectDelay(settings.retry().toMillis());
        return builder.build();
    }

    private void enqueue(Outgoing outgoing) {
        if (closed.get()) return;
        if (!outbox.offer(outgoing)) {
            close("client too slow: " + outbox.size() + " frames waiting");
            return;
        }
        long pinned = outboxBytes.addAndGet(outgoing.bytes()) + connection.queuedBytes() + connection.sendBufferBytes();
        if (pinned > maxClientBytes) {
            close("client too slow: it would hold " + pinned + " bytes, more than " + maxClientBytes);
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
            LOG.warning(() -> "Stream " + id + ": the writer executor is full; dropping the stream");
            close("server overloaded: no writer available");
        }
    }

    private void drain() {
        try {
            while (true) {
                if (closed.get()) {
                    closeSink();
                    return;
                }
                if (outbox.isEmpty()) {
                    onDrained.run();
                    if (outbox.isEmpty()) return;
                }
                if (connection.observable() && connection.queuedBytes() >= window()) {
                    // the client has not read what the container holds: keep the rest here, free the thread
                    if (parkedSince == 0) parkedSince = System.nanoTime();
                    return;
                }
                Outgoing next = outbox.poll();
                if (next == null) continue;
                outboxBytes.addAndGet(-next.bytes());
                String failure;
                writeLock.lock();
                try {
                    if (closed.get()) continue; // let go meanwhile: the loop closes the sink
                    failure = write(next.event());
                } finally {
                    writeLock.unlock();
                }
                if (failure != null) {
                    close(failure);
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
            if (closed.get() ? !sinkClosed.get() : !outbox.isEmpty() && parkedSince == 0) scheduleDrain();
        }
    }

    /** Writes one frame; null on success, else why the channel must close. */
    private String write(OutboundSseEvent event) {
        if (sink.isClosed()) return "client disconnected";
        writeStartedNanos = System.nanoTime();
        try {
            sink.send(event).toCompletableFuture().get(writeTimeoutNanos, TimeUnit.NANOSECONDS);
            lastWriteNanos = System.nanoTime();
            wroteOnce = true;
            return null;
        } catch (TimeoutException e) {
            return "client too slow: a write did not finish within " + settings.writeTimeout().toSeconds() + " s";
        } catch (IllegalStateException | ExecutionException e) {
            return "client disconnected";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "server shutting down";
        } finally {
            writeStartedNanos = 0;
        }
    }

    private void closeSink() {
        if (!sinkClosed.compareAndSet(false, true)) return;
        // a client let go for being slow is closed at the connection first: whatever the container still
        // queues for it is dropped, and closing the sink cannot wait on a client that does not read. Unless
        // nothing was written yet: then the sink's close commits the response first (there is nothing to
        // wait for), and the container does not log a failed commit for a connection closed under it
        boolean committed = wroteOnce;
        if (letGo && committed) connection.close();
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Stream " + id + ": closing the sink failed; the client is gone anyway", e);
        }
        if (letGo && !committed) connection.close();
        if (!letGo) connection.restore(); // after the last chunk is queued, so closing never waits on the client
    }

    /** Idempotent: the owner hears of it once; the writer closes the sink after any last frame. */
    public void close(String reason) {
        close(reason, false);
    }

    private void close(String reason, boolean writeStuck) {
        if (!closed.compareAndSet(false, true)) return;
        letGo = reason.startsWith("client too slow");
        if (!"complete".equals(reason)) {
            outbox.clear();
            outboxBytes.set(0);
        }
        if (letGo && connection.observable()) {
            parkedSince = 0;
            // at once, not behind a writer task: a stalled client must not wait for a thread. A write in
            // progress ends at once (it only queues) and its writer then closes the sink; one stuck anyway
            // is cut off under it
            if (writeStuck) {
                closeSink();
            } else if (writeLock.tryLock()) {
                try {
                    closeSink();
                } finally {
                    writeLock.unlock();
                }
            }
        }
        try {
            onClose.accept(reason);
        } finally {
            scheduleDrain();
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    public boolean clientConnected() {
        return !closed.get() && !sink.isClosed();
    }


    /** Open, with nothing queued, parked, being written or about to be: only heartbeats are due. */
    boolean quiet() {
        return !closed.get() && outbox.isEmpty() && parkedSince == 0 && writeStartedNanos == 0 && !draining.get();
    }

    /** True while frames wait for the client to read what the container holds. */
    public boolean parked() {
        return parkedSince != 0;
    }

    /** For how long frames have waited for the client to read what the container holds (0 if they do not). */
    public long parkedMillis(long nowNanos) {
        long since = parkedSince;
        return since == 0 ? 0 : Math.max(0, (nowNanos - since) / 1_000_000);
    }

    public int queued() {
        return outbox.size();
    }
}
