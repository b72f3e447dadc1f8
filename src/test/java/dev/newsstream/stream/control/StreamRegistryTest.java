package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceResult;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.ingest.control.TestIngestSettings;
import dev.newsstream.store.control.MemoryStore;
import dev.newsstream.stream.entity.StreamRequest;
import dev.newsstream.testing.Wait;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry as the service uses it, without a server: admission under the global and per-address caps
 * and the reasons a refused client reads, the slots a closed stream gives back, the live fan-out, and the
 * heartbeat ticker, and the connection table's watch over its streams. Its streams are real sessions over a memory store, written by real writer threads (from
 * a plain thread factory) to {@link RecordingSink}s; the ticker runs on a JDK scheduler.
 */
class StreamRegistryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

    private final MemoryStore memory = new MemoryStore(1000);
    private final StreamSettings settings = new StreamSettings();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, CompletableFuture<SourceResult>> fetches = new ConcurrentHashMap<>();
    private final Source alpha = StreamSessionTest.source("Alpha", "world");
    private final StreamRegistry registry = new StreamRegistry();
    /** Set by a test: the next fan-out the test thread schedules fails with it. */
    private final AtomicReference<RuntimeException> failNextHandOff = new AtomicReference<>();
    private final Thread testThread = Thread.currentThread();
    private final StreamWriters writers = new StreamWriters() {
        @Override
        public void execute(Runnable task) {
            // only the test thread's own hand-offs (the fan-out an arrival schedules); the writers' drains go on
            RuntimeException failure = Thread.currentThread() == testThread ? failNextHandOff.getAndSet(null) : null;
            if (failure != null) throw failure;
            super.execute(task);
        }
    };

    StreamRegistryTest() {
        settings.maxActive = 2;
        settings.maxPerAddress = 50;
        settings.buffer = 256;
        settings.maxClientBytes = 1 << 20;
        settings.writeTimeout = Duration.ofSeconds(60);
        settings.retry = Duration.ofSeconds(3);
        settings.articlesPerEvent = 20;
        settings.initialArticles = 200;
        settings.maxLifetime = Duration.ofMinutes(30);
        settings.heartbeat = Duration.ofMillis(200);
        settings.liveHeartbeat = Duration.ofMinutes(1);
        settings.disconnectProbe = Duration.ZERO;
        settings.writerThreads = 2;
        settings.writerQueue = 1000;
        writers.settings = settings;
        writers.metrics = metrics;
        writers.start(Executors.defaultThreadFactory());

        ArticleFrames frames = new ArticleFrames();
        frames.stories = memory.stories();
        InitialFrames initials = new InitialFrames();
        initials.store = memory.store();
        initials.ingest = TestIngestSettings.freshFor(Duration.ofMinutes(2));
        initials.settings = settings;
        initials.frames = frames;
        SourceFrames results = new SourceFrames();
        results.settings = settings;
        results.frames = frames;

        registry.settings = settings;
        registry.store = memory.store();
        registry.metrics = metrics;
        registry.frames = frames;
        registry.writers = writers;
        registry.initials = initials;
        registry.results = results;
    }

    private void start() {
        // one shared fetch per source, as the coordinator has; a cancelled one is over, the next waiter starts another
        registry.start((source, streamId) -> fetches.compute(source.name(),
                (name, fetch) -> fetch == null || fetch.isCancelled() ? new CompletableFuture<>() : fetch), scheduler);
    }

    @AfterEach
    void stop() throws InterruptedException {
        registry.stop();
        scheduler.shutdownNow();
        writers.stop();
        assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS), "the ticker did not end");
    }

    private RecordingSink open(String id, String address, boolean live) {
        return open(id, address, live, () -> ClientConnection.unobservable("a unit test"));
    }

    private RecordingSink open(String id, String address, boolean live, Supplier<ClientConnection> connection) {
        RecordingSink client = new RecordingSink();
        registry.open(id, new StreamRequest("world", false, live, null), address, connection, List.of(alpha), client,
                client);
        return client;
    }

    /** The named frames the client got, without the heartbeats the ticker slips in between. */
    private static List<String> frames(RecordingSink client) {
        return client.names().stream().filter(n -> !n.startsWith("#")).toList();
    }

    private static long heartbeats(RecordingSink client) {
        return client.written.stream().filter(f -> "heartbeat".equals(f.comment())).count();
    }

    private static void awaitFrames(RecordingSink client, List<String> expected) throws InterruptedException {
        Wait.until(() -> frames(client).equals(expected), PATIENCE, () -> "frames: " + client.names());
    }

    /** Waits for the one error frame a refused client gets, and for its stream to end. */
    private static String refusal(RecordingSink client) throws InterruptedException {
        awaitFrames(client, List.of("error"));
        Wait.until(() -> client.closes.get() == 1, PATIENCE, () -> "the refused stream was not closed");
        RecordingSink.Frame frame = client.written.get(0);
        assertEquals(3000, frame.getReconnectDelay(), "a refused browser is told when to try again");
        JsonObject data = Json.createReader(new StringReader((String) frame.getData())).readObject();
        assertEquals("error", data.getString("status"));
        return data.getString("message");
    }

    /** A fetch of alpha ends: recorded in the store first, then handed to its waiters. */
    private void fetched(Article... articles) {
        memory.record(alpha, Instant.now(), articles);
        SourceStat stat = SourceStat.of(alpha, FeedStatus.SUCCESS, articles.length, null, Instant.now(), 0.2);
        fetches.computeIfAbsent(alpha.name(), n -> new CompletableFuture<>())
                .complete(new SourceResult(alpha, memory.store().articlesOf(alpha.name()), stat));
    }

    @Test
    void streamsOverTheGlobalCapAreRefusedWithTheReason() throws InterruptedException {
        start();
        RecordingSink first = open("s1", "10.0.0.1", true);
        RecordingSink second = open("s2", "10.0.0.2", true);
        RecordingSink third = open("s3", "10.0.0.3", true);

        assertEquals("Too many active streams (2). Please try again later.", refusal(third));
        awaitFrames(first, List.of("starting"));
        awaitFrames(second, List.of("starting"));
        assertEquals(2, registry.activeCount());
        assertEquals(2, metrics.gauge("newsstream_streams_active"));
        assertEquals(List.of("s1", "s2"), registry.sessions().stream().map(StreamSession::id).sorted().toList());
        assertEquals(2, registry.created());
        assertEquals(2, registry.maxActive());
        assertEquals(2, metrics.opened.get());
        assertEquals(1, metrics.rejected.get());
    }

    @Test
    void streamsOverTheAddressCapAreRefusedWithTheReasonAndTakeNoGlobalSlot() throws InterruptedException {
        settings.maxPerAddress = 1;
        start();
        RecordingSink first = open("s1", "10.0.0.1", true);
        RecordingSink again = open("s2", "10.0.0.1", true);
        RecordingSink elsewhere = open("s3", "10.0.0.2", true);

        assertEquals("Too many streams from your address (1). Close some or try again later.", refusal(again));
        awaitFrames(first, List.of("starting"));
        awaitFrames(elsewhere, List.of("starting")); // the refused one gave its global slot back
        assertEquals(2, registry.activeCount());
        assertEquals(1, metrics.rejected.get());
    }

    @Test
    void aClientThatLeftIsFoundByTheTickerAndGivesBackItsSlots() throws InterruptedException {
        settings.maxActive = 1;
        settings.maxPerAddress = 1;
        start();
        RecordingSink leaving = open("s1", "10.0.0.1", true);
        awaitFrames(leaving, List.of("starting"));

        leaving.vanish();
        Wait.until(() -> registry.activeCount() == 0, PATIENCE, () -> "still open: " + registry.sessions());
        assertEquals(List.of("client disconnected"), metrics.closed);
        assertEquals(1, metrics.disconnects.get());
        assertEquals(1, metrics.cancelled.get(), "its pending fetch is given up");
        assertTrue(fetches.get("Alpha").isCancelled());

        RecordingSink next = open("s2", "10.0.0.1", true); // the same address, under both caps of one
        awaitFrames(next, List.of("starting"));
        assertEquals(0, metrics.rejected.get());
    }

    @Test
    void aStreamThatCompletesIsNotCountedAsADisconnect() throws InterruptedException {
        settings.maxActive = 1;
        start();
        RecordingSink client = open("s1", "10.0.0.1", false);
        awaitFrames(client, List.of("starting"));
        fetched(StreamSessionTest.article(alpha, "alpha one", T));
        awaitFrames(client, List.of("starting", "source_complete", "complete"));
        Wait.until(() -> registry.activeCount() == 0, PATIENCE, () -> "still open: " + registry.sessions());
        assertEquals(List.of("complete"), metrics.closed);
        assertEquals(0, metrics.disconnects.get());
        assertEquals(0, metrics.cancelled.get());

        // admitted in the slot it gave back (the shared fetch is still done: answered at once)
        awaitFrames(open("s2", "10.0.0.1", false), List.of("initial", "starting", "source_complete", "complete"));
    }

    @Test
    void eachArrivalReachesEveryLiveStream() throws InterruptedException {
        start();
        RecordingSink one = open("s1", "10.0.0.1", true);
        RecordingSink two = open("s2", "10.0.0.2", true);
        awaitFrames(one, List.of("starting"));
        awaitFrames(two, List.of("starting"));
        fetched(StreamSessionTest.article(alpha, "alpha one", T));
        awaitFrames(one, List.of("starting", "source_complete", "complete"));
        awaitFrames(two, List.of("starting", "source_complete", "complete"));

        memory.record(alpha, Instant.now(), StreamSessionTest.article(alpha, "alpha two", T.plusSeconds(1)));
        awaitFrames(one, List.of("starting", "source_complete", "complete", "article"));
        awaitFrames(two, List.of("starting", "source_complete", "complete", "article"));
    }

    @ParameterizedTest
    @ValueSource(classes = {RejectedExecutionException.class, IllegalStateException.class})
    void aFanOutThatFailsDoesNotSwitchOffLaterOnes(Class<? extends RuntimeException> failure) throws Exception {
        start();
        RecordingSink client = open("s1", "10.0.0.1", true);
        awaitFrames(client, List.of("starting"));
        fetched(StreamSessionTest.article(alpha, "alpha one", T));
        awaitFrames(client, List.of("starting", "source_complete", "complete"));

        failNextHandOff.set(failure.getConstructor(String.class).newInstance("the writers failed"));
        memory.record(alpha, Instant.now(), StreamSessionTest.article(alpha, "alpha two", T.plusSeconds(1)));
        assertEquals(null, failNextHandOff.get(), "the arrival's fan-out was scheduled, and failed");
        memory.record(alpha, Instant.now(), StreamSessionTest.article(alpha, "alpha three", T.plusSeconds(2)));
        // the next arrival's fan-out brings both, long before the live heartbeat (a minute) could
        Wait.until(() -> titlesSent(client).equals(List.of("alpha two", "alpha three")), PATIENCE,
                () -> "sent: " + titlesSent(client));
    }

    /** The titles of the live articles the client got, in order. */
    private static List<String> titlesSent(RecordingSink client) {
        return client.written.stream().filter(f -> "article".equals(f.name()))
                .map(f -> Json.createReader(new StringReader((String) f.getData())).readObject())
                .flatMap(data -> data.containsKey("article") ? java.util.stream.Stream.of(data.getJsonObject("article"))
                        : data.getJsonArray("articles").stream().map(v -> v.asJsonObject()))
                .map(article -> article.getString("title")).toList();
    }

    @Test
    void restingLiveStreamsStillGetHeartbeatsAndAreFoundGone() throws InterruptedException {
        settings.liveHeartbeat = Duration.ofMillis(100);
        start();
        RecordingSink client = open("s1", "10.0.0.1", true);
        fetched(StreamSessionTest.article(alpha, "alpha one", T));
        awaitFrames(client, List.of("starting", "source_complete", "complete"));
        long before = heartbeats(client);
        Wait.until(() -> heartbeats(client) >= before + 3, PATIENCE, () -> "no heartbeats while resting: " + client.names());
        assertTrue(registry.sinceLastTick().compareTo(Duration.ofSeconds(30)) < 0, "a ticking scheduler shows as recent: "
                + registry.sinceLastTick());

        client.vanish();
        Wait.until(() -> registry.activeCount() == 0, PATIENCE, () -> "still open: " + registry.sessions());
        assertEquals(List.of("client disconnected"), metrics.closed);
    }

    @Test
    void otherChannelsAreKeptWarmAndFoundGone() throws InterruptedException {
        start();
        RecordingSink client = new RecordingSink();
        List<String> closes = new CopyOnWriteArrayList<>();
        SseChannel channel = registry.openChannel("refresh", client, client, closes::add);
        channel.send("progress", 1, "{}");
        Wait.until(() -> heartbeats(client) >= 2, PATIENCE, () -> "no heartbeats: " + client.names());

        client.vanish();
        Wait.until(() -> closes.equals(List.of("client disconnected")), PATIENCE, () -> "closes: " + closes);
        assertEquals(0, registry.activeCount(), "not a news stream");
    }

    @Test
    void stoppingTheServerEndsEveryStreamAndChannel() throws InterruptedException {
        start();
        RecordingSink stream = open("s1", "10.0.0.1", true);
        RecordingSink other = new RecordingSink();
        List<String> closes = new CopyOnWriteArrayList<>();
        registry.openChannel("refresh", other, other, closes::add);
        awaitFrames(stream, List.of("starting"));

        registry.stop();
        Wait.until(() -> stream.closes.get() == 1 && other.closes.get() == 1, PATIENCE,
                () -> "not closed: stream " + stream.closes + ", channel " + other.closes);
        assertEquals(List.of("server shutting down"), metrics.closed);
        assertEquals(List.of("server shutting down"), closes);
        assertEquals(0, registry.activeCount());
    }

    @Test
    void aClientThatClosedItsConnectionIsFoundByOneReadOfTheConnectionTable() throws Exception {
        Assumptions.assumeTrue(TcpTable.available(), "the kernel's connection table cannot be read here");
        settings.connectionCheck = Duration.ofMillis(100);
        start();
        ConnectionTableWatch watch = new ConnectionTableWatch();
        watch.settings = settings;
        watch.registry = registry;
        try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
             Socket leaving = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket accepted = server.accept();
             Socket staying = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket accepted2 = server.accept()) {
            open("s1", "127.0.0.1", true, () -> ClientConnection.unobservable("known by the table only", peerOf(accepted)));
            open("s2", "127.0.0.1", true, () -> ClientConnection.unobservable("known by the table only", peerOf(accepted2)));
            watch.start(scheduler);
            leaving.close(); // our end of it now waits in CLOSE_WAIT
            Wait.until(() -> registry.activeCount() == 1, PATIENCE, () -> "open: " + registry.sessions());
            assertEquals(List.of("s2"), registry.sessions().stream().map(StreamSession::id).toList());
            assertEquals(List.of("client disconnected"), metrics.closed);
        } finally {
            watch.stop();
        }
    }

    @Test
    void theConnectionTableIsReadOnlyWhenChecksAreOnAndUntilStopped() {
        ScheduledThreadPoolExecutor checks = new ScheduledThreadPoolExecutor(1);
        checks.setRemoveOnCancelPolicy(true);
        try {
            ConnectionTableWatch off = new ConnectionTableWatch();
            off.settings = settings;
            off.registry = registry;
            settings.connectionCheck = Duration.ZERO;
            off.start(checks);
            assertEquals(0, checks.getQueue().size(), "a check every 0 s means no checks");

            Assumptions.assumeTrue(TcpTable.available(), "the kernel's connection table cannot be read here");
            ConnectionTableWatch on = new ConnectionTableWatch();
            on.settings = settings;
            on.registry = registry;
            settings.connectionCheck = Duration.ofHours(1);
            on.start(checks);
            assertEquals(1, checks.getQueue().size());
            on.stop();
            assertEquals(0, checks.getQueue().size(), "stopped with the application");
        } finally {
            checks.shutdownNow();
        }
    }

    /** The accepted socket as the kernel's table names it: our port, the client's address and port. */
    private static TcpTable.Peer peerOf(Socket accepted) {
        return new TcpTable.Peer(accepted.getLocalPort(), accepted.getInetAddress(), accepted.getPort());
    }

    @Test
    void streamIdsAreUniqueUuids() {
        String one = registry.newStreamId(), two = registry.newStreamId();
        assertNotEquals(one, two);
        assertEquals(one, UUID.fromString(one).toString());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = UUID.fromString(registry.newStreamId());
            assertEquals(4, id.version(), "a random (version 4) UUID");
            assertEquals(2, id.variant(), "the IETF variant");
            ids.add(id.toString());
        }
        assertEquals(10_000, ids.size());
    }
}
