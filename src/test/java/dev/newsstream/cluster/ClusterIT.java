package dev.newsstream.cluster;

import static dev.newsstream.testing.Wait.waitFor;
import static dev.newsstream.testing.Scenario.step;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Two newsstream instances clustered on loopback (tcpip members, a cluster name and data grid ports of
 * their own) over one PostgreSQL and the fixture feed server, each a Payara Micro process started by
 * docker/start.sh as the image starts it. Without PostgreSQL binaries the class is skipped unless
 * {@code -Dnewsstream.it.requirePostgres=true}.
 *
 * <p>The cluster is the class's (one instance of the class, {@link TestInstance.Lifecycle#PER_CLASS}, owns
 * it and closes it). The tests run in any order: each works on two live members ({@link #twoMembers()}),
 * and the one that ends members' lives (a rolling deploy, then a killed lease holder) is one scenario
 * after which the next test that needs two gets a new one booted in a free member slot.
 */
@Timeout(value = 1500, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    static final Duration LEASE = Duration.ofSeconds(6);
    static final List<String> SOURCES = List.of("/c1.xml", "/c2.xml", "/c3.xml");
    /** Member slots (data grid ports, all in every member's list): two live members and one for a newcomer. */
    static final int SLOTS = 3;

    PostgresCluster postgres;
    FixtureFeedServer feeds;
    Path sources;
    ClusterNodes nodes;
    /** Every member booted, by slot; a slot whose process is gone may take a new one. */
    final Map<Integer, ServerProcess> members = new TreeMap<>();
    int boots;

    @BeforeAll
    @Timeout(value = 1300, unit = TimeUnit.SECONDS)
    void startTwoInstances() throws IOException {
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
        // the end-of-life scenario's own feeds: no other test changes them, none of its checks sees another test's
        feeds.putFeed("/late.xml", feed("/late.xml", 3));
        json.add("Cluster late", feeds.url("/late.xml"), "late");
        feeds.putFeed("/dying.xml", feed("/dying.xml", 2));
        json.add("Cluster dying", feeds.url("/dying.xml"), "dying");
        sources = Build.workDir("cluster").resolve("sources.json");
        Files.writeString(sources, json.json());
        nodes = new ClusterNodes(postgres, sources, Map.of(
                "NEWSSTREAM_CLUSTER_LEASE", LEASE.toSeconds() + "s",
                "NEWSSTREAM_INGEST_INITIAL_DELAY", "2s",
                "NEWSSTREAM_INGEST_INTERVAL", "3s",
                "NEWSSTREAM_FETCH_MIN_INTERVAL", "0s"), SLOTS); // every stream with use_cache=false really fetches
        // two now; the third slot (in everyone's member list from the start) is the rolling deploy's new one
        List<ServerProcess> first = nodes.bootFirst("cluster", 2);
        for (int slot = 0; slot < first.size(); slot++) members.put(slot, first.get(slot));
        boots = first.size();
    }

    @AfterAll
    void stop() {
        members.values().forEach(ServerProcess::close);
        if (feeds != null) feeds.close();
        if (postgres != null) postgres.close();
    }

    /** The live members, in slot order. */
    List<ServerProcess> alive() {
        return members.values().stream().filter(ServerProcess::alive).toList();
    }

    /** Boots a new member in the first slot without a live one and waits until it is ready. */
    ServerProcess bootInAFreeSlot() {
        int slot = java.util.stream.IntStream.range(0, SLOTS)
                .filter(i -> members.get(i) == null || !members.get(i).alive()).findFirst()
                .orElseThrow(() -> new AssertionError("every member slot is taken: " + members));
        ServerProcess member = nodes.boot("cluster-" + (char) ('a' + boots++), slot);
        members.put(slot, member);
        return member;
    }

    /**
     * Two live members that see each other, whatever ran before: the end-of-life scenario leaves one, and a
     * new one is booted then (in the order JUnit picks today that scenario comes last and nothing is booted).
     */
    List<ServerProcess> twoMembers() throws InterruptedException {
        while (alive().size() < 2) bootInAFreeSlot();
        List<ServerProcess> two = alive().subList(0, 2);
        assertTrue(waitFor(() -> two.stream().allMatch(s -> cluster(s).getJsonArray("members").size() == alive().size()),
                ofSeconds(60)), () -> "the live members see each other: " + cluster(two.get(0)));
        return two;
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

    JsonObject cluster(ServerProcess server) {
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

    ServerProcess holder() {
        return alive().stream().filter(s -> cluster(s).getBoolean("lease_held_here"))
                .findFirst().orElseThrow(() -> new AssertionError("nobody holds the refresh lease"));
    }

    long runs(ServerProcess server) {
        return Http.getJson(server.uri("/cache/status")).getJsonNumber("update_count").longValue();
    }

    boolean refreshing(ServerProcess server) {
        return Http.getJson(server.uri("/cache/status")).getBoolean("update_in_progress");
    }

    @Test
    void everyInstanceSeesTheOtherAndExactlyOneHoldsTheRefreshLease() throws Exception {
        List<ServerProcess> two = twoMembers();
        assertTrue(waitFor(() -> two.stream().allMatch(s -> cluster(s).getJsonArray("members").size() == 2),
                ofSeconds(30)), () -> "both members seen: " + cluster(two.get(0)));
        // the lease is held once a refresh tick ran on someone (a member booted a moment ago may not have ticked)
        assertTrue(waitFor(() -> two.stream().anyMatch(s -> cluster(s).getBoolean("lease_held_here")), LEASE.plusSeconds(10)),
                () -> "someone holds the lease: " + cluster(two.get(0)));
        JsonObject a = cluster(two.get(0));
        JsonObject b = cluster(two.get(1));
        assertTrue(a.getBoolean("clustered"), a.toString());
        assertNotEquals(a.getString("local_member"), b.getString("local_member"));
        assertEquals(a.getJsonObject("refresh_lease").getString("member"),
                b.getJsonObject("refresh_lease").getString("member"), "one holder, as both see it");
        assertTrue(a.getBoolean("lease_held_here") ^ b.getBoolean("lease_held_here"), a + "\n" + b);
    }

    @Test
    void eachSourceIsFetchedOncePerRefreshAcrossTheCluster() throws Exception {
        twoMembers();
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
    long[] quietCounts() throws InterruptedException {
        AtomicReference<long[]> quiet = new AtomicReference<>();
        List<ServerProcess> live = alive();
        Wait.until(() -> {
            if (live.stream().anyMatch(this::refreshing)) return false;
            long[] counts = new long[SOURCES.size() + 1];
            counts[0] = live.stream().mapToLong(this::runs).sum();
            for (int i = 0; i < SOURCES.size(); i++) counts[i + 1] = feeds.requestCount(SOURCES.get(i));
            quiet.set(counts);
            return live.stream().noneMatch(this::refreshing)
                    && live.stream().mapToLong(this::runs).sum() == counts[0];
        }, Duration.ofSeconds(10), () -> "never found the cluster between two refreshes");
        return quiet.get();
    }

    ServerProcess other(ServerProcess one) {
        return alive().stream().filter(s -> s != one).findFirst().orElseThrow();
    }

    /** Starts a refresh on {@code server} (retrying while one runs) and waits until it has ended. */
    void refreshOn(ServerProcess server) throws InterruptedException {
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
    void aStreamOnEachInstanceOverTheSameSlowSourceCausesOneUpstreamFetch() throws Exception {
        List<ServerProcess> two = twoMembers();
        // a refresh that is running when the streams start fetches it too: the streams join that fetch
        feeds.setDelay("/slow.xml", Duration.ofSeconds(6));
        feeds.putFeed("/slow.xml", feed("/slow.xml", 3)); // item 3: only a fetch from now on brings it
        int before = feeds.requestCount("/slow.xml");
        ServerProcess a = two.get(0);
        ServerProcess b = two.get(1);
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
    void aLiveClientOnOneInstanceReceivesAnArticleIngestedThroughTheOtherExactlyOnce() throws Exception {
        twoMembers();
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
    void aClientReconnectingToTheOtherInstanceWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
        twoMembers();
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

    /**
     * The end of two members' lives, one scenario because each step needs the cluster the one before left:
     * a rolling deploy (a new member joins, the old one stops cleanly, a client resumes across it on the new
     * one, nothing ingested on the way lost), then the lease holder of the remaining two killed in the middle
     * of a fetch the other's stream waits for. It works on feeds of its own ("late", "dying"), so what the
     * other tests ingested is nothing it counts, and they find two members again after it (twoMembers()).
     */
    @Test
    void aRollingDeployThenAKilledLeaseHolderLoseNothingAndStopNothing() throws Throwable {
        ServerProcess old = twoMembers().get(0);
        step("a rolling deploy loses no article and a resume crosses it",
                () -> aRollingDeployLosesNoArticleAndAResumeCrossesIt(old));
        step("killing the lease holder moves the lease within the lease period and the refresh goes on",
                this::killingTheLeaseHolderMovesTheLeaseWithinTheLeasePeriodAndTheRefreshGoesOn);
    }

    /** Step 1 of the end of life: a new version joins through start.sh, then {@code old} stops. */
    private void aRollingDeployLosesNoArticleAndAResumeCrossesIt(ServerProcess old) throws Exception {
        ServerProcess fresh;
        try (SseConnection client = SseConnection.open(old.uri("/news/stream?category=late&live=true"))) {
            List<Frame> seen = new ArrayList<>(client.eventsUntil("complete", ofSeconds(30)));
            // ingested before the new version exists: it must find it all the same
            feeds.putFeed("/late.xml", feed("/late.xml", 4));
            refreshOn(holder());
            assertTrue(waitFor(() -> titles(drain(client, seen)).contains("/late.xml item 4"), ofSeconds(20)),
                    () -> "the old instance's client gets what came before the deploy: " + seen);
            // the new version starts through start.sh against the same database while the old ones serve
            fresh = bootInAFreeSlot();
            ServerProcess joined = fresh;
            assertTrue(waitFor(() -> alive().stream().allMatch(s -> cluster(s).getJsonArray("members").size() == 3),
                    ofSeconds(60)), () -> "three members: " + cluster(joined));
            try (SseConnection onNew = SseConnection.open(fresh.uri("/news/stream?category=late&live=true"))) {
                onNew.eventsUntil("complete", ofSeconds(30));
                feeds.putFeed("/late.xml", feed("/late.xml", 5));
                refreshOn(holder());
                assertTrue(waitFor(() -> titles(drain(client, seen)).contains("/late.xml item 5"), ofSeconds(20)),
                        () -> "the old instance's client gets it: " + seen);
                List<Frame> onNewFrames = new ArrayList<>();
                assertTrue(waitFor(() -> titles(drain(onNew, onNewFrames)).contains("/late.xml item 5"), ofSeconds(20)),
                        () -> "and so does the new one's: " + onNewFrames);
            }
            // the old one stops (a clean stop: it hands on the lease if it holds it); its client reconnects
            old.close();
            String lastId = seen.stream().map(Frame::id).filter(id -> id != null && !id.isEmpty())
                    .reduce((a, b) -> b).orElseThrow();
            feeds.putFeed("/late.xml", feed("/late.xml", 6));
            assertTrue(waitFor(() -> alive().stream().anyMatch(s -> cluster(s).getBoolean("lease_held_here")),
                    LEASE.plusSeconds(10)), "a lease holder");
            refreshOn(holder());
            try (SseConnection resumed = SseConnection.open(fresh.uri("/news/stream?category=late&live=true"),
                    Map.of("Last-Event-ID", lastId))) {
                List<Frame> frames = resumed.eventsUntil("complete", ofSeconds(30));
                assertEquals(List.of("/late.xml item 6"), titles(frames), "exactly what it missed, on the new one: " + frames);
            }
            assertEquals(1, titles(seen).stream().filter("/late.xml item 5"::equals).count(), "once: " + seen);
        }
        for (String title : List.of("/late.xml item 4", "/late.xml item 5", "/late.xml item 6")) {
            ServerProcess newcomer = fresh;
            assertTrue(waitFor(() -> cached(newcomer, "late").contains(title), ofSeconds(20)), title + " is on the new one");
        }
    }

    /** Step 2 of the end of life: the holder of the lease dies (kill -9) while it fetches for another member. */
    private void killingTheLeaseHolderMovesTheLeaseWithinTheLeasePeriodAndTheRefreshGoesOn() throws Exception {
        ServerProcess leader = holder();
        ServerProcess survivor = other(leader);
        // the leader dies in the middle of a fetch the survivor's stream waits for: that stream gets a retry
        feeds.setDelay("/dying.xml", Duration.ofSeconds(120));
        feeds.putFeed("/dying.xml", feed("/dying.xml", 3));
        int dyingBefore = feeds.requestCount("/dying.xml");
        long waitsBefore = cluster(survivor).getJsonNumber("remote_waits").longValue();
        try (SseConnection onLeader = SseConnection.open(leader.uri("/news/stream?category=dying&use_cache=false"))) {
            assertTrue(waitFor(() -> feeds.requestCount("/dying.xml") > dyingBefore, ofSeconds(20)), "the leader fetches");
            try (SseConnection waiting = SseConnection.open(survivor.uri("/news/stream?category=dying&use_cache=false"))) {
                assertTrue(waitFor(() -> cluster(survivor).getJsonNumber("remote_waits").longValue() > waitsBefore,
                        ofSeconds(20)), () -> "the survivor's stream waits for the leader's fetch: " + cluster(survivor));
                long runsBefore = runs(survivor);
                feeds.setDelay("/dying.xml", null); // the retry (not the dead leader's fetch) answers at once
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
                assertTrue(fetched(frames).contains("/dying.xml item 3"),
                        "the waiter got the source from a retry, not an endless wait: " + frames);
                assertEquals("success", stat(frames).getString("status"), frames.toString());
                assertTrue(waitFor(() -> runs(survivor) > runsBefore, ofSeconds(20)), "the next refresh happens on the survivor");
            }
        } finally {
            feeds.setDelay("/dying.xml", null);
        }
        JsonObject ready = Http.getJson(survivor.uri("/health/ready"));
        assertEquals("UP", ready.getString("status"), "readiness stays UP when a peer dies: " + ready);
        assertTrue(waitFor(() -> cluster(survivor).getJsonArray("members").size() == 1, ofSeconds(30)));
        assertEquals(200, Http.get(survivor.uri("/health/ready")).statusCode(), "and once the peer is gone for good");
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

    /** The titles an instance holds in {@code category} (a cached stream's articles). */
    static List<String> cached(ServerProcess server, String category) {
        try (SseConnection s = SseConnection.open(server.uri("/news/stream?category=" + category))) {
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
    void toldToClusterOnH2AnInstanceRefusesToStartWithOneClearMessage() {
        ClusterNodes alone = new ClusterNodes(null, sources, Map.of(), 1);
        String log = ServerProcess.bootExpectingFailure("cluster-h2", port -> ServerProcess.hermetic(
                List.of("sh", Build.startScript().toString()), alone.environment("cluster-h2", port, alone.gridPorts.get(0))),
                ClusterNodes.BOOT_TIMEOUT);
        assertTrue(log.contains("must share one PostgreSQL database"), log);
        assertTrue(log.contains("NEWSSTREAM_DB_URL=jdbc:postgresql://"), log);
    }
}
