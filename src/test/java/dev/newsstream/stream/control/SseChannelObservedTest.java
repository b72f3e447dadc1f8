package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Wait;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The channel when it can see the client's connection (Grizzly's write queue and the socket's send buffer):
 * frames wait in the outbox while the container holds a window for the client, a client that reads nothing
 * past the write deadline is closed at the connection at once, and what one client pins counts the
 * container's queue and the send buffer. The connection is a stand-in with Grizzly's method names.
 */
class SseChannelObservedTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    private static final int SEND_BUFFER = 4096;
    private static final long MAX_CLIENT_BYTES = 1 << 20;
    /** The container's window for this client: max(16 KiB, min(128 KiB, max-client-bytes / 8)). */
    private static final int WINDOW = 128 * 1024;

    /** Grizzly's TCPNIOConnection as far as ClientConnection uses it. */
    public final class GrizzlyConnection {
        final AtomicInteger closes = new AtomicInteger();
        volatile int sinkClosesBefore = -1; // how often the sink had been closed when the connection was

        public void terminateSilently() {
            sinkClosesBefore = client.closes.get();
            closes.incrementAndGet();
        }
    }

    /** Grizzly's async write queue: the bytes it holds for the client. */
    public static final class WriteQueue {
        volatile int bytes;

        public int spaceInBytes() {
            return bytes;
        }
    }

    private final RecordingSink client = new RecordingSink();
    private final GrizzlyConnection grizzly = new GrizzlyConnection();
    private final WriteQueue queue = new WriteQueue();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final List<String> closeReasons = new CopyOnWriteArrayList<>();
    private final SseChannel cut;

    SseChannelObservedTest() throws ReflectiveOperationException {
        StreamSettings settings = new StreamSettings();
        settings.buffer = 16;
        settings.maxClientBytes = MAX_CLIENT_BYTES;
        settings.writeTimeout = WRITE_TIMEOUT;
        settings.retry = Duration.ofSeconds(3);
        cut = new SseChannel("s1", client, client, settings, writer, observed(), closeReasons::add);
    }

    private ClientConnection observed() throws ReflectiveOperationException {
        Constructor<ClientConnection> c = ClientConnection.class.getDeclaredConstructor(
                Object.class, Object.class, Method.class, Method.class, int.class, String.class);
        c.setAccessible(true);
        return c.newInstance(grizzly, queue, WriteQueue.class.getMethod("spaceInBytes"),
                GrizzlyConnection.class.getMethod("terminateSilently"), SEND_BUFFER, null);
    }

    @AfterEach
    void stopWriter() throws InterruptedException {
        client.release();
        writer.shutdownNow();
        assertTrue(writer.awaitTermination(10, TimeUnit.SECONDS), "the writer thread did not end");
    }

    @Test
    void whatAClientPinsCountsTheContainersQueueAndTheSendBuffer() {
        queue.bytes = 1000;
        assertEquals(1000 + SEND_BUFFER, cut.pinnedBytes());
        queue.bytes = (int) MAX_CLIENT_BYTES - SEND_BUFFER - 60;
        cut.sendJson("a", 1, "{}"); // 2 + 48 bytes: still within the bound
        assertFalse(cut.isClosed());
        cut.sendJson("a", 2, "{\"more\":true}");
        assertTrue(cut.isClosed(), "the container's queue and the send buffer count against max-client-bytes");
        assertTrue(closeReasons.get(0).startsWith("client too slow: it would hold"), closeReasons.toString());
    }

    @Test
    void framesWaitInTheOutboxWhileTheContainerHoldsAWindowAndFlowOnceTheClientReads() throws Exception {
        queue.bytes = WINDOW; // the client has not read what the container holds
        cut.sendJson("a", 1, "{}");
        cut.sendJson("a", 2, "{}");
        Wait.until(cut::parked, PATIENCE, () -> "the channel never parked; written " + client.names());
        assertEquals(List.of(), client.written, "nothing is handed to a container holding a full window");
        assertEquals(2, cut.queued());
        assertFalse(cut.wantsMore(1), "a parked channel wants no refill");

        long now = System.nanoTime();
        cut.heartbeat(now + WRITE_TIMEOUT.toNanos() / 2, Duration.ofMillis(1));
        assertTrue(cut.parked(), "still parked: the client has read nothing");
        assertFalse(cut.isClosed(), "within the write deadline a parked client stays");
        assertEquals(2, cut.queued(), "no heartbeat on top of waiting frames");

        queue.bytes = WINDOW - 1; // the client read a little
        cut.heartbeat(now + WRITE_TIMEOUT.toNanos() / 2, Duration.ofSeconds(60));
        Wait.until(() -> client.written.size() == 2, PATIENCE, () -> "written " + client.names());
        assertFalse(cut.parked());
        assertEquals(List.of("a", "a"), client.names());
        assertEquals(0, grizzly.closes.get());
    }

    @Test
    void aClientThatReadsNothingPastTheWriteDeadlineIsClosedAtTheConnectionAtOnce() throws Exception {
        queue.bytes = WINDOW;
        cut.sendJson("a", 1, "{}");
        Wait.until(cut::parked, PATIENCE, () -> "the channel never parked");
        long parkedFor = cut.parkedMillis(System.nanoTime() + WRITE_TIMEOUT.toNanos());
        assertTrue(parkedFor >= WRITE_TIMEOUT.toMillis() && parkedFor < WRITE_TIMEOUT.toMillis() + PATIENCE.toMillis(),
                "parked since it found the container's queue full: " + parkedFor + " ms");
        cut.heartbeat(System.nanoTime() + WRITE_TIMEOUT.toNanos() + Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(1));
        assertTrue(cut.isClosed());
        assertEquals(0, cut.parkedMillis(System.nanoTime()), "a channel let go waits for nothing");
        assertEquals(List.of("client too slow: took nothing for 5 s"), closeReasons);
        assertEquals(1, grizzly.closes.get(), "the TCP connection is closed, dropping what the container queued");
        assertEquals(1, client.closes.get(), "the sink is closed at once, not behind a writer task");
        assertEquals(0, cut.queued());
        assertFalse(cut.parked());
    }

    @Test
    void aSlowClientStuckInAWriteIsClosedAtTheConnectionWithoutWaitingForTheWriter() throws Exception {
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the first frame");
        cut.heartbeat(System.nanoTime() + WRITE_TIMEOUT.toNanos() + Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(1));
        assertTrue(cut.isClosed(), "a write blocked past the deadline closes the channel");
        assertEquals(List.of("client too slow: a write blocked for more than 5 s"), closeReasons);
        assertEquals(1, grizzly.closes.get());
        assertEquals(1, client.closes.get(), "closed while the writer is still stuck in its write");
    }

    @Test
    void aClientLetGoDuringAWriteIsClosedAtTheConnectionOnlyOnceThatWriteEnds() throws Exception {
        client.stallWrites(); // a write in progress: the container is still taking the frame
        cut.sendJson("a", 1, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the frame");
        cut.close("client too slow: its window stayed closed");
        assertTrue(cut.isClosed());
        assertEquals(0, grizzly.closes.get(), "the connection is not closed under a running write (the container"
                + " would log an error for each client let go)");
        client.release();
        Wait.until(() -> grizzly.closes.get() == 1, PATIENCE, () -> "the writer did not close the connection after its write");
        assertEquals(1, client.closes.get());
    }

    @Test
    void aClientLetGoBeforeAnythingWasWrittenGetsItsResponseCommittedBeforeTheConnectionCloses() throws Exception {
        queue.bytes = WINDOW; // parks before its first frame: nothing written, the response not yet committed
        cut.sendJson("a", 1, "{}");
        Wait.until(cut::parked, PATIENCE, () -> "the channel never parked");
        cut.heartbeat(System.nanoTime() + WRITE_TIMEOUT.toNanos() + Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(1));
        assertEquals(1, grizzly.closes.get());
        assertEquals(1, grizzly.sinkClosesBefore, "the sink (which commits the response) closes before the connection");
    }

    @Test
    void aClientLetGoAfterItsFirstFrameIsClosedAtTheConnectionBeforeTheSink() throws Exception {
        cut.sendJson("a", 1, "{}");
        Wait.until(() -> client.written.size() == 1 && !cut.parked(), PATIENCE, () -> "the first frame was not written");
        queue.bytes = WINDOW;
        cut.sendJson("a", 2, "{}");
        Wait.until(cut::parked, PATIENCE, () -> "the channel never parked");
        cut.heartbeat(System.nanoTime() + WRITE_TIMEOUT.toNanos() + Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(1));
        assertEquals(1, grizzly.closes.get());
        assertEquals(0, grizzly.sinkClosesBefore, "what the container queued is dropped before the sink's close");
        assertEquals(1, client.closes.get());
    }

    @Test
    void aStreamThatEndsCleanlyLeavesTheConnectionOpen() throws Exception {
        cut.sendJson("a", 1, "{}");
        cut.end("bye");
        Wait.until(() -> client.closes.get() == 1, PATIENCE, () -> "the sink was not closed; written " + client.names());
        assertEquals(List.of("complete"), closeReasons);
        assertEquals(0, grizzly.closes.get(), "keep-alive: a clean end does not close the TCP connection");
    }
}
