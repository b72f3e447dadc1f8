package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The channel's promises without a server: one writer in order, an outbox bounded in frames and in bytes,
 * a close that releases everything and tells the owner once, and nothing written after it. The client's
 * end is {@link RecordingSink}; the writer is a real single-thread executor.
 */
class SseChannelTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final RecordingSink client = new RecordingSink();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final List<String> closeReasons = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopWriter() throws InterruptedException {
        client.release();
        writer.shutdownNow();
        assertTrue(writer.awaitTermination(10, TimeUnit.SECONDS), "the writer thread did not end");
    }

    private static StreamSettings settings(int buffer, long maxClientBytes, Duration writeTimeout) {
        StreamSettings settings = new StreamSettings();
        settings.buffer = buffer;
        settings.maxClientBytes = maxClientBytes;
        settings.writeTimeout = writeTimeout;
        settings.retry = Duration.ofSeconds(3);
        return settings;
    }

    private SseChannel channel(StreamSettings settings) {
        return new SseChannel("s1", client, client, settings, writer, closeReasons::add);
    }

    private SseChannel channel() {
        return channel(settings(16, 1 << 20, Duration.ofSeconds(60)));
    }

    /** Lets the writer finish whatever it was given, so counts after it are final. */
    private void writerIdle() throws InterruptedException {
        writer.shutdown();
        assertTrue(writer.awaitTermination(10, TimeUnit.SECONDS), "the writer did not finish");
    }

    @Test
    void framesAreWrittenInTheOrderTheyWereQueued() throws Exception {
        SseChannel cut = channel();
        cut.sendJson("progress", 1, "{\"n\":1}");
        cut.sendJson("articles", 2, "{}");
        cut.sendJson("progress", 3, "{\"n\":3}");
        Wait.until(() -> client.written.size() == 3, PATIENCE, () -> "written: " + client.names());

        assertEquals(List.of("progress", "articles", "progress"), client.names());
        assertEquals(List.of("1", "2", "3"), client.written.stream().map(RecordingSink.Frame::id).toList());
        assertEquals("{\"n\":1}", client.written.get(0).data());
        assertFalse(client.written.get(0).isReconnectDelaySet(), "only a retry-hint frame sets the reconnect delay");
        assertFalse(cut.isClosed());
        assertTrue(cut.clientConnected());
        assertEquals(List.of(), closeReasons);
        Wait.until(() -> cut.pinnedBytes() == 0, PATIENCE, () -> "written frames still count: " + cut.pinnedBytes());
    }

    @Test
    void framesFromManyProducersAllArriveEachProducerInOrder() throws Exception {
        SseChannel cut = channel(settings(512, 1 << 20, Duration.ofSeconds(60)));
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < 100; i++) cut.sendJson("p" + producer, i, "{}");
            });
            t.start();
            producers.add(t);
        }
        for (Thread t : producers) t.join(10_000);
        Wait.until(() -> client.written.size() == 400, PATIENCE, () -> client.written.size() + " of 400 written");
        Map<String, Long> last = new HashMap<>();
        for (RecordingSink.Frame frame : client.written) {
            long id = Long.parseLong(frame.id());
            Long before = last.put(frame.name(), id);
            assertEquals(before == null ? 0 : before + 1, id, frame.name() + "'s frames out of order");
        }
        assertFalse(cut.isClosed());
    }

    @Test
    void aFullOutboxClosesTheChannelAndReleasesWhatItHeld() throws Exception {
        SseChannel cut = channel(settings(8, 1 << 20, Duration.ofSeconds(60)));
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the first frame");
        for (int i = 1; i <= 8; i++) cut.sendJson("a", i, "{}");
        assertFalse(cut.isClosed(), "eight frames fit an outbox of eight");
        assertEquals(0, cut.room());
        assertEquals(8, cut.queued());
        assertTrue(cut.pinnedBytes() > 0);

        cut.sendJson("a", 9, "{}");
        assertTrue(cut.isClosed(), "the ninth waiting frame must close the channel");
        assertEquals(List.of("client too slow: 8 frames waiting"), closeReasons);
        assertEquals(0, cut.queued(), "a closed channel holds no frames");
        assertEquals(0, cut.pinnedBytes(), "a closed channel pins no bytes");
        assertFalse(cut.wantsMore(1));
        assertFalse(cut.clientConnected());

        client.release(); // the stalled write ends: the writer sees the close and closes the sink
        Wait.until(() -> client.closes.get() == 1, PATIENCE, () -> "the sink was not closed");
        cut.sendJson("a", 10, "{}");
        writerIdle();
        assertEquals(1, client.written.size(), "frames were written after the close: " + client.names());
        assertEquals(1, client.closes.get());
        assertEquals(1, closeReasons.size());
    }

    @Test
    void theOutboxIsBoundedInBytesToo() throws Exception {
        SseChannel cut = channel(settings(256, 1000, Duration.ofSeconds(60)));
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the first frame");
        String json = "\"" + "x".repeat(500) + "\"";
        cut.sendJson("big", 1, json);
        assertFalse(cut.isClosed(), "one 550-byte frame fits 1000 bytes");
        long pinned = cut.pinnedBytes();
        assertTrue(pinned >= json.length() && pinned <= 1000, "pinned " + pinned);
        assertEquals(255, cut.room());

        cut.sendJson("big", 2, json);
        assertTrue(cut.isClosed(), "two 550-byte frames exceed 1000 bytes");
        assertEquals(1, closeReasons.size());
        assertTrue(closeReasons.get(0).startsWith("client too slow: it would hold "), closeReasons.get(0));
        assertTrue(closeReasons.get(0).endsWith("more than 1000"), closeReasons.get(0));
        assertEquals(0, cut.pinnedBytes());
        assertEquals(256, cut.room(), "the close empties the outbox");
    }

    @Test
    void aWriteThatDoesNotFinishWithinTheDeadlineClosesTheChannel() throws Exception {
        SseChannel cut = channel(settings(16, 1 << 20, Duration.ofMillis(300)));
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(cut::isClosed, PATIENCE, () -> "a stalled write never closed the channel");
        assertEquals(1, closeReasons.size());
        assertTrue(closeReasons.get(0).startsWith("client too slow: a write did not finish within"), closeReasons.get(0));
        Wait.until(() -> client.closes.get() == 1, PATIENCE, () -> "the sink was not closed");
    }

    @Test
    void aFailedWriteMeansTheClientIsGone() throws Exception {
        SseChannel cut = channel();
        client.failWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(cut::isClosed, PATIENCE, () -> "a failed write did not close the channel");
        assertEquals(List.of("client disconnected"), closeReasons);
        Wait.until(() -> client.closes.get() == 1, PATIENCE, () -> "the sink was not closed");
    }

    @Test
    void closeIsIdempotentAndNothingIsWrittenAfterIt() throws Exception {
        SseChannel cut = channel();
        cut.close("server shutting down");
        cut.close("again");
        cut.sendJson("a", 1, "{}");
        cut.end("bye");
        cut.heartbeat(System.nanoTime() + Duration.ofMinutes(1).toNanos(), Duration.ofSeconds(1));
        writerIdle();
        assertEquals(List.of("server shutting down"), closeReasons, "the owner hears of the close exactly once");
        assertEquals(List.of(), client.written);
        assertEquals(1, client.closes.get(), "the sink is closed exactly once");
        assertTrue(cut.isClosed());
    }

    /** (sendLast and the retry hint serialise through JSON-B, which only the container provides.) */
    @Test
    void endWritesItsReasonAsACommentAfterWhatIsQueued() throws Exception {
        SseChannel cut = channel();
        cut.sendJson("a", 1, "{}");
        cut.end("max lifetime reached");
        Wait.until(() -> client.closes.get() == 1, PATIENCE, () -> "the sink was not closed; written " + client.names());
        assertEquals(List.of("a", "#max lifetime reached"), client.names());
        assertEquals(List.of("complete"), closeReasons);
    }

    @Test
    void aHeartbeatIsSentOnlyWhenTheConnectionHasBeenQuiet() throws Exception {
        SseChannel cut = channel();
        Duration interval = Duration.ofSeconds(10);
        cut.heartbeat(System.nanoTime(), interval);
        Wait.until(() -> cut.queued() == 0, PATIENCE, () -> "not drained");
        cut.heartbeat(System.nanoTime() + interval.toNanos() * 7 / 10, interval);
        Wait.until(() -> cut.queued() == 0, PATIENCE, () -> "not drained");
        cut.heartbeat(System.nanoTime() + interval.toNanos(), interval);
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "written: " + client.names());
        writerIdle();
        assertEquals(List.of("#heartbeat"), client.names(), "one heartbeat, only after 80 % of the interval");
        assertFalse(cut.isClosed());
    }

    @Test
    void theBoundInBytesIsInclusive() throws Exception {
        SseChannel cut = channel(settings(256, 1000, Duration.ofSeconds(60)));
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the first frame");
        assertEquals(0, cut.pinnedBytes(), "a frame handed to the client no longer counts");
        cut.sendJson("exact", 1, "x".repeat(1000 - 48)); // with the frame's 48 bytes of overhead: exactly 1000
        assertFalse(cut.isClosed(), "exactly max-client-bytes is allowed");
        assertEquals(1000, cut.pinnedBytes());
        cut.sendJson("one more", 2, "");
        assertTrue(cut.isClosed());
    }

    @Test
    void aRefillMustFitWithAMarginOfEightFrames() {
        SseChannel cut = channel(settings(32, 1 << 20, Duration.ofSeconds(60)));
        assertTrue(cut.wantsMore(24), "24 + 8 fit 32 free slots");
        assertFalse(cut.wantsMore(25), "25 + 8 do not");
    }

    @Test
    void aRefillIsNotWelcomeOnceTheOutboxHoldsHalfTheWindowInBytes() throws Exception {
        SseChannel cut = channel(settings(256, 1 << 20, Duration.ofSeconds(60))); // window 128 KiB
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the first frame");
        cut.sendJson("big", 1, "x".repeat(64 * 1024 - 48 - 1));
        assertTrue(cut.wantsMore(1), "just under half the window");
        cut.sendJson("tiny", 2, ""); // 48 bytes more
        assertFalse(cut.wantsMore(1), "half the window (64 KiB) and more: no refill");
    }

    @Test
    void aWriterInterruptedInAWriteClosesTheStreamAsAShutdown() throws Exception {
        SseChannel cut = channel();
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the first frame");
        writer.shutdownNow(); // interrupts the writer in its write
        Wait.until(cut::isClosed, PATIENCE, () -> "the interrupted write did not close the stream");
        assertEquals(List.of("server shutting down"), closeReasons);
    }

    @Test
    void aHeartbeatFindsAClientThatLeft() {
        SseChannel cut = channel();
        client.vanish();
        assertFalse(cut.clientConnected());
        cut.heartbeat(System.nanoTime(), Duration.ofSeconds(1));
        assertTrue(cut.isClosed());
        assertEquals(List.of("client disconnected"), closeReasons);
    }

    @Test
    void aWriterExecutorThatRefusesWorkDropsTheStreamWithAReason() {
        writer.shutdown();
        SseChannel cut = channel();
        cut.sendJson("a", 1, "{}");
        assertTrue(cut.isClosed());
        assertEquals(List.of("server overloaded: no writer available"), closeReasons);
        assertEquals(List.of(), client.written);
    }

    @Test
    void anEmptyOutboxAsksForARefillAndTheRefillIsWritten() throws Exception {
        SseChannel cut = channel();
        AtomicInteger refills = new AtomicInteger();
        cut.onDrained(() -> {
            int n = refills.incrementAndGet();
            if (n <= 2) cut.sendJson("refill", n, "{}");
        });
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 3, PATIENCE, () -> "written: " + client.names());
        writerIdle();
        assertEquals(List.of("a", "refill", "refill"), client.names());
        assertTrue(cut.wantsMore(8), "an idle channel with an empty outbox welcomes a refill");
    }

    @Test
    void aRefillIsNotWelcomeOnceTheOutboxIsHalfFull() throws Exception {
        SseChannel cut = channel(settings(32, 1 << 20, Duration.ofSeconds(60)));
        client.stallWrites();
        cut.sendJson("a", 0, "{}");
        Wait.until(() -> client.written.size() == 1, PATIENCE, () -> "the writer never took the first frame");
        assertTrue(cut.wantsMore(8));
        for (int i = 1; i <= 16; i++) cut.sendJson("a", i, "{}");
        assertTrue(cut.wantsMore(8), "16 of 32 slots taken: half full still welcomes a refill");
        cut.sendJson("a", 17, "{}");
        assertFalse(cut.wantsMore(1), "17 of 32 slots taken: no refill");
        assertFalse(cut.wantsMore(24), "no room for 24 more and a margin");
        assertFalse(cut.isClosed());
    }
}
