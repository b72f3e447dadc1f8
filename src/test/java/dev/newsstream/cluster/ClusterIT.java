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
import dev.newsstream.testing.PostgresCluster;
import dev.newsstream.testing.SourcesJson;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    static final Duration LEASE = Duration.ofSeconds(4);
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
                "NEWSSTREAM_FETCH_MIN_INTERVAL", "1s"), 2);
        servers.addAll(nodes.bootAll("cluster"));
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
        return Http.getJson(server.uri("/debug/cluster"));
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
        ServerProcess other = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
        assertTrue(waitFor(() -> runs(leader) >= 2, ofSeconds(30)), "the holder refreshes every 3 s");
        long[] before = quietCounts();
        assertTrue(waitFor(() -> runs(leader) >= before[0] + 3, ofSeconds(40)), "three more refreshes");
        long[] after = quietCounts();
        long refreshes = after[0] - before[0];
        for (int i = 0; i < SOURCES.size(); i++) {
            assertEquals(refreshes, after[i + 1] - before[i + 1],
                    SOURCES.get(i) + ": one upstream fetch per refresh across the cluster (" + refreshes + " refreshes)");
        }
        assertEquals(0, runs(other), "only the lease holder runs the background refresh");
        assertEquals(200, Http.get(other.uri("/health/ready")).statusCode(), "the other is ready all the same");
    }

    /** Refreshes run on both instances (total) and each source's fetches, read while no refresh runs. */
    static long[] quietCounts() throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            if (servers.stream().noneMatch(ClusterIT::refreshing)) {
                long[] counts = new long[SOURCES.size() + 1];
                counts[0] = servers.stream().mapToLong(ClusterIT::runs).sum();
                for (int i = 0; i < SOURCES.size(); i++) counts[i + 1] = feeds.requestCount(SOURCES.get(i));
                if (servers.stream().noneMatch(ClusterIT::refreshing)
                        && servers.stream().mapToLong(ClusterIT::runs).sum() == counts[0]) {
                    return counts;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("never found the cluster between two refreshes");
    }

    @Test
    @Order(90)
    void killingTheLeaseHolderMovesTheLeaseWithinTheLeasePeriodAndTheRefreshGoesOn() throws Exception {
        ServerProcess leader = holder();
        ServerProcess survivor = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
        long runsBefore = runs(survivor);
        long killed = System.nanoTime();
        leader.kill();
        assertTrue(waitFor(() -> cluster(survivor).getBoolean("lease_held_here"), LEASE.plusSeconds(10)),
                () -> "the survivor takes the lease: " + cluster(survivor));
        Duration failover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("cluster: lease moved %d ms after kill -9 of its holder (lease %s)%n", failover.toMillis(), LEASE);
        assertTrue(failover.compareTo(LEASE) <= 0, "within the lease period: " + failover);
        assertTrue(waitFor(() -> runs(survivor) > runsBefore, ofSeconds(20)), "the next refresh happens on the survivor");
        assertEquals(200, Http.get(survivor.uri("/health/ready")).statusCode(), "readiness stays UP when a peer dies");
        assertTrue(waitFor(() -> cluster(survivor).getJsonArray("members").size() == 1, ofSeconds(30)));
    }

    @Test
    @Order(99)
    void toldToClusterOnH2AnInstanceRefusesToStartWithOneClearMessage() {
        ClusterNodes alone = new ClusterNodes(null, sources, Map.of(), 1);
        String log = ServerProcess.bootExpectingFailure("cluster-h2", port -> ServerProcess.hermetic(
                List.of("sh", Build.startScript().toString()), alone.environment("cluster-h2", port, alone.gridPorts.get(0))));
        assertTrue(log.contains("must share one PostgreSQL database"), log);
        assertTrue(log.contains("NEWSSTREAM_DB_URL=jdbc:postgresql://"), log);
    }
}
