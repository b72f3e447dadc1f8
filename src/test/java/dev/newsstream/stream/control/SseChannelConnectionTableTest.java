package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the kernel's connection table makes of a channel: a client that left or stopped reading is let go, nobody else. */
class SseChannelConnectionTableTest {

    private static final long SECOND = 1_000_000_000L;

    private final RecordingSink client = new RecordingSink();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();
    private final List<String> closeReasons = new CopyOnWriteArrayList<>();
    private final SseChannel channel;

    SseChannelConnectionTableTest() {
        StreamSettings settings = new StreamSettings();
        settings.buffer = 16;
        settings.maxClientBytes = 1 << 20;
        settings.writeTimeout = Duration.ofSeconds(5);
        settings.retry = Duration.ofSeconds(3);
        channel = new SseChannel("s1", client, client, settings, writer, closeReasons::add);
    }

    @AfterEach
    void stopWriter() throws InterruptedException {
        client.release();
        writer.shutdownNow();
        assertTrue(writer.awaitTermination(10, TimeUnit.SECONDS), "the writer thread did not end");
    }

    @Test
    void aConnectionTheClientClosedIsLetGo() {
        channel.seenInTable(TcpTable.State.OPEN, 0);
        channel.seenInTable(TcpTable.State.CLOSED_BY_PEER, SECOND);
        assertEquals(List.of("client disconnected"), closeReasons);
    }

    @Test
    void aConnectionMissingFromTheTableIsKept() {
        channel.seenInTable(null, 0); // not yet listed, or skipped while the kernel wrote the table: no evidence
        channel.seenInTable(TcpTable.State.OPEN, SECOND);
        channel.seenInTable(null, 2 * SECOND);
        assertEquals(List.of(), closeReasons);
        assertFalse(channel.isClosed());
    }

    @Test
    void aZeroWindowIsLetGoOnlyAfterTheWriteDeadlineAndAnOpenWindowResetsTheClock() {
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 0);
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 4 * SECOND);
        channel.seenInTable(TcpTable.State.OPEN, 5 * SECOND); // it read again
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 6 * SECOND);
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 10 * SECOND);
        assertEquals(List.of(), closeReasons, "never closed for longer than the 5 s deadline at a stretch");
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 12 * SECOND);
        assertEquals(1, closeReasons.size());
        assertTrue(closeReasons.get(0).startsWith("client too slow"), closeReasons.get(0));
    }

    @Test
    void aZeroWindowMustBeSeenAtEveryCheck() {
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 0);
        channel.seenInTable(null, 3 * SECOND); // not listed this time: the clock starts again
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 4 * SECOND);
        channel.seenInTable(TcpTable.State.ZERO_WINDOW, 8 * SECOND);
        assertEquals(List.of(), closeReasons);
    }

    @Test
    void aClosedChannelHearsNothingMore() {
        channel.close("complete");
        channel.seenInTable(TcpTable.State.CLOSED_BY_PEER, 0);
        assertEquals(List.of("complete"), closeReasons);
    }
}
