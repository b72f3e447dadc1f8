package dev.newsstream.cluster;

import static dev.newsstream.testing.Wait.waitFor;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.ship.Build;
import dev.newsstream.ship.ServerProcess;
import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.FixtureFeedServer.Item;
import dev.newsstream.testing.Http;
import dev.newsstream.testing.Wait;
import dev.newsstream.testing.PostgresCluster;
import dev.newsstream.testing.SourcesJson;
import dev.newsstream.testing.SseConnection;
import dev.newsstream.testing.SseConnection.Frame;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two newsstream instances clustered on loopback (tcpip members, a cluster name and data grid ports of
 * their own) over one PostgreSQL and the fixture feed server, each a Payara Micro process started by
 * docker/start.sh as the image starts it. Without PostgreSQL binaries the class is skipped unless
 * {@code -Dnewsstream.it.requirePostgres=true}.
 */
@Timeout(value = 1500, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    static final Duration LEASE = Duration.ofSeconds(6);
    static final List<String> SOURCES = List.of("/c1.xml", "/c2.xml", "/c3.xml");

    static PostgresCluster postgres;
    static FixtureFeedServer feeds;
    static Path sources;
    static ClusterNodes nodes;
    static List<ServerProcess> servers = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 1300, unit = TimeUnit.SECONDS)
    static void startTwoInstances() throws IOException {
        if (!Boolean.getBoolean("newsstream.it.requirePostgres")) {
            Assumptions.assumeTrue(PostgresCluster.binaries().isPresent(),
                    "PostgreSQL is not installed (apt-get install postgresql); skipping the cluster tests");
        }
        postgres = PostgresCluster.start(Build.workDir("cluster").resolve("postgres.log"));
        postgres.trustLoopback(); // several cold JVMs logging in at once on a loaded machine
        feeds = FixtureFeedServer.start();
        SourcesJson json = new SourcesJson();
        for (String path : SOURCES) {
            feeds.putFeed(path, feed(path, 3));
            json.add("Cluster " + path.substring(1, 3), feeds.url(path), "cluster");
        }
        feeds.putFeed("/slow.xml", feed("/slow.xml", 2));
        json.add("Cluster slow", feeds.url("/slow.xml"), "slow");
        sources = Build.workDir("cluster").resolve("sources.json");
        Files.writeString(sources, json.json());
        nodes = new ClusterNodes(postgres, sources, Map.of(
                "NEWSSTREAM_CLUSTER_LEASE", LEASE.toSeconds() + "s",
                "NEWSSTREAM_INGEST_INITIAL_DELAY", "2s",
                "NEWSSTREAM_INGEST_INTERVAL", "3s",
                "NEWSSTREAM_FETCH_MIN_INTERVAL", "0s"), 3); // every stream with use_cache=false really fetches
        // two now; the third member (in everyone's member list from the start) is the rolling deploy's new one
        servers.addAll(nodes.bootFirst("cluster", 2));
    }

    @AfterAll
    static void stop() {
        servers.forEach(ServerProcess::close);
        if (feeds != null) feeds.close();
        if (postgres != null) postgres.close();
    }

    static String feed(String path, int items) {
        List<Item> list = new ArrayList<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 1; i <= items; i++) {
            list.add(new Item(path + " item " + i, "http://127.0.0.1/" + path + "/" + i, path + "#" + i,
                    now.minusSeconds(60L * (items - i)), "<p>" + path + " " + i + "</p>"));
        }
        return FixtureFeedServer.rss(path, list);
    }

    static JsonObject cluster(ServerProcess server) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a request may time out on a machine this loaded
            try {
                return Http.getJson(server.uri("/debug/cluster"));
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    static ServerProcess holder() {
        return servers.stream().filter(ServerProcess::alive).filter(s -> cluster(s).getBoolean("lease_held_here"))
                .findFirst().orElseThrow(() -> new AssertionError("nobody holds the refresh lease"));
    }

    static long runs(ServerProcess server) {
        return Http.getJson(server.uri("/cache/status")).getJsonNumber("update_count").longValue();
    }

    static boolean refreshing(ServerProcess server) {
        return Http.getJson(server.uri("/cache/status")).getBoolean("update_in_progress");
    }

    @Test
    @Order(1)
    void everyInstanceSeesTheOtherAndExactlyOneHoldsTheRefreshLease() throws Exception {
        assertTrue(waitFor(() -> servers.stream().allMatch(s -> cluster(s).getJsonArray("members").size() == 2),
                ofSeconds(30)), () -> "both members seen: " + cluster(servers.get(0)));
        JsonObject a = cluster(servers.get(0));
        JsonObject b = cluster(servers.get(1));
        assertTrue(a.getBoolean("clustered"), a.toString());
        assertNotEquals(a.getString("local_member"), b.getString("local_member"));
        assertEquals(a.getJsonObject("refresh_lease").getString("member"),
                b.getJsonObject("refresh_lease").getString("member"), "one holder, as both see it");
        assertTrue(a.getBoolean("lease_held_here") ^ b.getBoolean("lease_held_here"), a + "\n" + b);
    }

    @Test
    @Order(2)
    void eachSourceIsFetchedOncePerRefreshAcrossTheCluster() throws Exception {
        ServerProcess leader = holder();
        ServerProcess other = other(leader);
        assertTrue(waitFor(() -> runs(leader) + runs(other) >= 2, ofSeconds(60)), "the holder refreshes every 3 s");
        long[] before = quietCounts();
        assertTrue(waitFor(() -> runs(leader) + runs(other) >= before[0] + 3, ofSeconds(60)), "three more refreshes");
        long[] after = quietCounts();
        long refreshes = after[0] - before[0];
        for (int i = 0; i < SOURCES.size(); i++) {
            assertEquals(refreshes, after[i + 1] - before[i + 1],
                    SOURCES.get(i) + ": one upstream fetch per refresh across the cluster (" + refreshes + " refreshes)");
        }
        // the lease may change hands under load (a renewal later than the lease): refreshes are counted on both
        assertEquals(200, Http.get(other.uri("/health/ready")).statusCode(), "the other is ready all the same");
    }

    /** Refreshes run on both instances (total) and each source's fetches, read while no refresh runs. */
    static long[] quietCounts() throws InterruptedException {
        AtomicReference<long[]> quiet = new AtomicReference<>();
        Wait.until(() -> {
            if (servers.stream().anyMatch(ClusterIT::refreshing)) return false;
            long[] counts = new long[SOURCES.size() + 1];
            counts[0] = servers.stream().mapToLong(ClusterIT::runs).sum();
            for (int i = 0; i < SOURCES.size(); i++) counts[i + 1] = feeds.requestCount(SOURCES.get(i));
            quiet.set(counts);
            return servers.stream().noneMatch(ClusterIT::refreshing)
                    && servers.stream().mapToLong(ClusterIT::runs).sum() == counts[0];
        }, Duration.ofSeconds(10), () -> "never found the cluster between two refreshes");
        return quiet.get();
    }

    static ServerProcess other(ServerProcess one) {
        return servers.stream().filter(s -> s != one && s.alive()).findFirst().orElseThrow();
    }

    /** Starts a refresh on {@code server} (retrying while one runs) and waits until it has ended. */
    static void refreshOn(ServerProcess server) throws InterruptedException {
        long before = runs(server);
        assertTrue(waitFor(() -> "started".equals(Http.json(Http.post(server.uri("/cache/refresh"))).getString("status")),
                ofSeconds(30)), "a refresh starts on " + server.name());
        assertTrue(waitFor(() -> runs(server) > before, ofSeconds(60)), "the refresh ends on " + server.name());
    }

    static List<String> titles(List<Frame> frames) {
        return frames.stream().filter(f -> "article".equals(f.event()))
                .map(f -> f.json().getJsonObject("article").getString("title")).toList();
    }

    /** The source_stat of a stream's (first) source_complete frame. */
    static JsonObject stat(List<Frame> frames) {
        return frames.stream().filter(f -> "source_complete".equals(f.event())).findFirst()
                .map(f -> f.json().getJsonObject("source_stat")).orElseThrow(() -> new AssertionError(frames.toString()));
    }

    /** The titles in a stream's source_complete frames. */
    static List<String> fetched(List<Frame> frames) {
        return frames.stream().filter(f -> "source_complete".equals(f.event()))
                .flatMap(f -> f.json().getJsonArray("articles").stream())
                .map(a -> a.asJsonObject().getString("title")).toList();
    }

    @Test
    @Order(3)
    void aStreamOnEachInstanceOverTheSameSlowSourceCausesOneUpstreamFetch() throws Exception {
        // a refresh that is running when the streams start fetches it too: the streams join that fetch
        feeds.setDelay("/slow.xml", Duration.ofSeconds(6));
        feeds.putFeed("/slow.xml", feed("/slow.xml", 3)); // item 3: only a fetch from now on brings it
        int before = feeds.requestCount("/slow.xml");
        ServerProcess a = servers.get(0);
        ServerProcess b = servers.get(1);
        try (SseConnection onA = SseConnection.open(a.uri("/news/stream?category=slow&use_cache=false"))) {
            assertTrue(waitFor(() -> feeds.requestCount("/slow.xml") > before, ofSeconds(20)), "A's fetch started");
            try (SseConnection onB = SseConnection.open(b.uri("/news/stream?category=slow&use_cache=false"))) {
                List<Frame> fromA = onA.eventsUntil("complete", ofSeconds(60));
                List<Frame> fromB = onB.eventsUntil("complete", ofSeconds(60));
                assertEquals("complete", fromA.get(fromA.size() - 1).event(), fromA.toString());
                assertEquals("complete", fromB.get(fromB.size() - 1).event(), fromB.toString());
                assertEquals(before + 1, feeds.requestCount("/slow.xml"), "one upstream fetch for both instances' streams");
                assertTrue(fetched(fromB).contains("/slow.xml item 3"), "B's stream got A's result: " + fromB);
                assertEquals("success", stat(fromB).getString("status"), "and its stat: " + fromB);
                assertTrue(fetched(fromA).contains("/slow.xml item 3"), fromA.toString());
            }
        } finally {
            feeds.setDelay("/slow.xml", null);
        }
    }

    @Test
    @Order(4)
    void aLiveClientOnOneInstanceReceivesAnArticleIngestedThroughTheOtherExactlyOnce() throws Exception {
        ServerProcess a = holder();
        ServerProcess b = other(a);
        try (SseConnection live = SseConnection.open(b.uri("/news/stream?category=cluster&live=true"))) {
            live.eventsUntil("complete", ofSeconds(30));
            feeds.putFeed("/c1.xml", feed("/c1.xml", 4));
            refreshOn(a);
            List<Frame> frames = new ArrayList<>();
            long deadline = System.nanoTime() + ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && !titles(frames).contains("/c1.xml item 4")) {
                Frame f = live.nextEvent(ofSeconds(1));
                if (f != null) frames.add(f);
            }
            // a few more refreshes (ticks on A) must not send it again
            long runs = runs(a);
            assertTrue(waitFor(() -> runs(a) >= runs + 2, ofSeconds(30)));
            Frame f;
            while ((f = live.nextEvent(Duration.ofMillis(500))) != null) frames.add(f);
            assertEquals(1, titles(frames).stream().filter("/c1.xml item 4"::equals).count(),
                    "exactly once on B: " + frames);
            assertEquals(List.of("/c1.xml item 4"), titles(frames), "nothing else is new");
        }
    }

    @Test
    @Order(5)
    void aClientReconnectingToTheOtherInstanceWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
        ServerProcess a = holder();
        ServerProcess b = other(a);
        String lastId;
        try (SseConnection first = SseConnection.open(a.uri("/news/stream?category=cluster&live=true"))) {
            List<Frame> frames = first.eventsUntil("complete", ofSeconds(30));
            lastId = frames.get(frames.size() - 1).id();
        }
        feeds.putFeed("/c2.xml", feed("/c2.xml", 6)); // items 4, 5, 6 are new
        refreshOn(a);
        try (SseConnection resumed = SseConnection.open(b.uri("/news/stream?category=cluster&live=true"),
                Map.of("Last-Event-ID", lastId))) {
            List<Frame> frames = resumed.eventsUntil("complete", ofSeconds(30));
            assertEquals(java.util.Set.of("/c2.xml item 4", "/c2.xml item 5", "/c2.xml item 6"),
                    new java.util.HashSet<>(titles(frames)), "exactly the missed articles, from the other instance: " + frames);
            assertEquals(3, titles(frames).size(), frames.toString());
        }
    }

    @Test
    @Order(80)
    void aRollingDeployLosesNoArticleAndAResumeCrossesIt() throws Exception {
        ServerProcess old = servers.get(0);
        try (SseConnection client = SseConnection.open(old.uri("/news/stream?category=cluster&live=true"))) {
            List<Frame> seen = new ArrayList<>(client.eventsUntil("complete", ofSeconds(30)));
            // the new version starts through start.sh against the same database while the old ones serve
            ServerProcess fresh = nodes.boot("cluster-c", 2);
            servers.add(fresh);
            assertTrue(waitFor(() -> servers.stream().filter(ServerProcess::alive)
                    .allMatch(s -> cluster(s).getJsonArray("members").size() == 3), ofSeconds(60)),
                    () -> "three members: " + cluster(fresh));
            try (SseConnection onNew = SseConnection.open(fresh.uri("/news/stream?category=cluster&live=true"))) {
                onNew.eventsUntil("complete", ofSeconds(30));
                feeds.putFeed("/c3.xml", feed("/c3.xml", 4));
                refreshOn(holder());
                assertTrue(waitFor(() -> titles(drain(client, seen)).contains("/c3.xml item 4"), ofSeconds(20)),
                        () -> "the old instance's client gets it: " + seen);
                List<Frame> onNewFrames = new ArrayList<>();
                assertTrue(waitFor(() -> titles(drain(onNew, onNewFrames)).contains("/c3.xml item 4"), ofSeconds(20)),
                        () -> "and so does the new one's: " + onNewFrames);
            }
            // the old one stops (a clean stop: it hands on the lease if it holds it); its client reconnects
            old.close();
            String lastId = seen.stream().map(Frame::id).filter(id -> id != null && !id.isEmpty())
                    .reduce((a, b) -> b).orElseThrow();
            feeds.putFeed("/c3.xml", feed("/c3.xml", 5));
            assertTrue(waitFor(() -> servers.stream().filter(ServerProcess::alive)
                    .anyMatch(s -> cluster(s).getBoolean("lease_held_here")), LEASE.plusSeconds(10)), "a lease holder");
            refreshOn(holder());
            try (SseConnection resumed = SseConnection.open(fresh.uri("/news/stream?category=cluster&live=true"),
                    Map.of("Last-Event-ID", lastId))) {
                List<Frame> frames = resumed.eventsUntil("complete", ofSeconds(30));
                assertEquals(List.of("/c3.xml item 5"), titles(frames), "exactly what it missed, on the new one: " + frames);
            }
            assertEquals(1, titles(seen).stream().filter("/c3.xml item 4"::equals).count(), "once: " + seen);
        }
        for (String title : List.of("/c1.xml item 4", "/c2.xml item 6", "/c3.xml item 4", "/c3.xml item 5")) {
            ServerProcess fresh = servers.get(servers.size() - 1);
            assertTrue(waitFor(() -> cached(fresh).contains(title), ofSeconds(20)), title + " is on the new one");
        }
    }

    /** Adds what has come on a live connection by now to {@code into}; returns it. */
    static List<Frame> drain(SseConnection connection, List<Frame> into) {
        try {
            Frame f;
            while ((f = connection.nextEvent(Duration.ofMillis(200))) != null) into.add(f);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return into;
    }

    /** The titles an instance holds in category "cluster" (a cached stream's articles). */
    static List<String> cached(ServerProcess server) {
        try (SseConnection s = SseConnection.open(server.uri("/news/stream?category=cluster"))) {
            List<Frame> frames = s.eventsUntil("complete", ofSeconds(30));
            List<String> all = new ArrayList<>(titles(frames));
            all.addAll(fetched(frames));
            frames.stream().filter(f -> "initial".equals(f.event()))
                    .flatMap(f -> f.json().getJsonArray("articles").stream())
                    .forEach(a -> all.add(a.asJsonObject().getString("title")));
            return all;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(90)
    void killingTheLeaseHolderMovesTheLeaseWithinTheLeasePeriodAndTheRefreshGoesOn() throws Exception {
        ServerProcess leader = holder();
        ServerProcess survivor = other(leader);
        // the leader dies in the middle of a fetch the survivor's stream waits for: that stream gets a retry
        feeds.setDelay("/slow.xml", Duration.ofSeconds(120));
        feeds.putFeed("/slow.xml", feed("/slow.xml", 4));
        int slowBefore = feeds.requestCount("/slow.xml");
        long waitsBefore = cluster(survivor).getJsonNumber("remote_waits").longValue();
        try (SseConnection onLeader = SseConnection.open(leader.uri("/news/stream?category=slow&use_cache=false"))) {
            assertTrue(waitFor(() -> feeds.requestCount("/slow.xml") > slowBefore, ofSeconds(20)), "the leader fetches");
            try (SseConnection waiting = SseConnection.open(survivor.uri("/news/stream?category=slow&use_cache=false"))) {
                assertTrue(waitFor(() -> cluster(survivor).getJsonNumber("remote_waits").longValue() > waitsBefore,
                        ofSeconds(20)), () -> "the survivor's stream waits for the leader's fetch: " + cluster(survivor));
                long runsBefore = runs(survivor);
                feeds.setDelay("/slow.xml", null); // the retry (not the dead leader's fetch) answers at once
                long killed = System.nanoTime();
                leader.kill();
                assertTrue(waitFor(() -> {
                    assertEquals(200, Http.get(survivor.uri("/health/ready")).statusCode(),
                            "readiness stays UP while a peer dies and the lease moves");
                    return cluster(survivor).getBoolean("lease_held_here");
                }, LEASE.plusSeconds(10)), () -> "the survivor takes the lease: " + cluster(survivor));
                Duration failover = Duration.ofNanos(System.nanoTime() - killed);
                System.out.printf("cluster: lease moved %d ms after kill -9 of its holder (lease %s)%n",
                        failover.toMillis(), LEASE);
                assertTrue(failover.compareTo(LEASE) <= 0, "within the lease period: " + failover);

                List<Frame> frames = waiting.eventsUntil("complete", ofSeconds(60));
                assertEquals("complete", frames.get(frames.size() - 1).event(), frames.toString());
                assertTrue(fetched(frames).contains("/slow.xml item 4"),
                        "the waiter got the source from a retry, not an endless wait: " + frames);
                assertEquals("success", stat(frames).getString("status"), frames.toString());
                assertTrue(waitFor(() -> runs(survivor) > runsBefore, ofSeconds(20)), "the next refresh happens on the survivor");
            }
        } finally {
            feeds.setDelay("/slow.xml", null);
        }
        JsonObject ready = Http.getJson(survivor.uri("/health/ready"));
        assertEquals("UP", ready.getString("status"), "readiness stays UP when a peer dies: " + ready);
        assertTrue(waitFor(() -> cluster(survivor).getJsonArray("members").size() == 1, ofSeconds(30)));
        assertEquals(200, Http.get(survivor.uri("/health/ready")).statusCode(), "and once the peer is gone for good");
    }

    @Test
    @Order(99)
    void toldToClusterOnH2AnInstanceRefusesToStartWithOneClearMessage() {
        ClusterNodes alone = new ClusterNodes(null, sources, Map.of(), 1);
        String log = ServerProcess.bootExpectingFailure("cluster-h2", port -> ServerProcess.hermetic(
                List.of("sh", Build.startScript().toString()), alone.environment("cluster-h2", port, alone.gridPorts.get(0))),
                ClusterNodes.BOOT_TIMEOUT);
        assertTrue(log.contains("must share one PostgreSQL database"), log);
        assertTrue(log.contains("NEWSSTREAM_DB_URL=jdbc:postgresql://"), log);
    }
}
