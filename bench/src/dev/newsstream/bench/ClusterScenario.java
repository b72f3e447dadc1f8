package dev.newsstream.bench;

import static dev.newsstream.bench.Bench.print;
import static dev.newsstream.bench.Stats.ms;

import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.PostgresCluster;
import dev.newsstream.testing.SourcesJson;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Two clustered instances against one, in one sitting, over one throwaway PostgreSQL (the machine's
 * own, as the tests use it) and {@value #SOURCES} fixture sources: upstream fetches per refresh (a refresh
 * started on both instances at once), live delivery of one article ingested through one instance to N
 * idle live clients on each instance, the lease failover time after kill -9 of its holder, and what
 * clustering costs an idle instance (RSS, heap after a full GC, threads, CPU over a window).
 * N is {@code -Dbench.cluster.clients} per instance (default 1,000).
 */
final class ClusterScenario {

    static final int SOURCES = 20;
    static final int CLIENTS = Integer.getInteger("bench.cluster.clients", 1000);
    static final int IDLE_WINDOW_MS = Integer.getInteger("bench.cluster.idleWindowMs", 15_000);
    static final String STREAM = "/news/stream?category=bench&live=true";

    private static final List<FixtureFeedServer.Item> liveItems = new ArrayList<>();

    private ClusterScenario() {
    }

    static void run() throws Exception {
        Path dir = Files.createDirectories(Bench.workDir.resolve("cluster"));
        try (PostgresCluster postgres = PostgresCluster.start(dir.resolve("postgres.log"));
             FixtureFeedServer feeds = FixtureFeedServer.start()) {
            SourcesJson json = new SourcesJson();
            for (int i = 1; i <= SOURCES; i++) {
                feeds.putFeed("/s" + i + ".xml", FixtureFeedServer.rss("S" + i, List.of(item("s" + i + " seed", i))));
                json.add("Bench " + i, feeds.url("/s" + i + ".xml"), i == 1 ? "bench" : "other");
            }
            liveItems.add(item("s1 seed", 1));
            Path sources = Files.writeString(dir.resolve("sources.json"), json.json());
            Map<String, String> common = new LinkedHashMap<>();
            common.put("NEWSSTREAM_SOURCES", sources.toString());
            common.put("NEWSSTREAM_INGEST_ENABLED", "false"); // refreshes are started by hand, counted exactly
            common.put("NEWSSTREAM_FETCH_MIN_INTERVAL", "0s");
            common.put("NEWSSTREAM_STREAM_MAX_ACTIVE", String.valueOf(Math.max(2000, CLIENTS * 2)));
            common.put("NEWSSTREAM_STREAM_MAX_PER_ADDRESS", String.valueOf(Math.max(2000, CLIENTS * 2))); // all from 127.0.0.1
            common.put("NEWSSTREAM_DB_CLASS", "org.postgresql.ds.PGSimpleDataSource");
            common.put("NEWSSTREAM_DB_URL", postgres.jdbcUrl() + "?connectTimeout=5&socketTimeout=30");
            common.put("NEWSSTREAM_DB_USER", PostgresCluster.USER);
            common.put("NEWSSTREAM_DB_PASSWORD", PostgresCluster.PASSWORD);

            Table table = new Table("cluster: two instances against one (" + SOURCES + " sources, " + CLIENTS
                    + " live clients per instance, server " + Bench.javaOpts + ")",
                    "setup", "upstream fetches per refresh", "delivery to A p50/p99/max ms",
                    "delivery to B p50/p99/max ms", "idle RSS MB", "idle heap MB", "idle threads", "idle CPU");
            Idle alone;
            String aloneDelivery;
            int aloneFetches;
            try (Server single = Server.start(Bench.basedir, dir.resolve("alone"), Bench.javaOpts, common)) {
                alone = idle(single);
                aloneFetches = refreshCount(feeds, List.of(single));
                aloneDelivery = deliver(single, single, feeds, CLIENTS).get(0);
            }
            table.row("one instance (alone)", aloneFetches, aloneDelivery, "-", mb(alone.rssKb), mb(alone.heapKb),
                    alone.threads, pct(alone.cpu));

            int[] grid = {Server.freePort(), Server.freePort()};
            String members = "tcpip:127.0.0.1:" + grid[0] + ",127.0.0.1:" + grid[1];
            String name = "newsstream-bench-" + UUID.randomUUID().toString().substring(0, 8);
            Server a = null;
            Server b = null;
            try {
                a = Server.start(Bench.basedir, dir.resolve("a"), Bench.javaOpts, clustered(common, members, name, grid[0]));
                b = Server.start(Bench.basedir, dir.resolve("b"), Bench.javaOpts, clustered(common, members, name, grid[1]));
                awaitMembers(a, 2);
                Idle idleA = idle(a);
                Idle idleB = idle(b);
                int fetches = refreshCount(feeds, List.of(a, b));
                List<String> delivery = deliver(a, b, feeds, CLIENTS);
                table.row("two instances, cluster", fetches + " (refresh started on both at once)", delivery.get(0),
                        delivery.get(1), mb(idleA.rssKb) + " / " + mb(idleB.rssKb), mb(idleA.heapKb) + " / " + mb(idleB.heapKb),
                        idleA.threads + " / " + idleB.threads, pct(idleA.cpu) + " / " + pct(idleB.cpu));
                print(table.render());
                print("idle: after a full GC, no clients, over " + IDLE_WINDOW_MS / 1000 + " s; A / B. Delivery: from the"
                        + " POST /cache/refresh on A until each client's article frame; clients on A and on B at once.");
                Server holder = a.getJson("/debug/cluster").getBoolean("lease_held_here") ? a : b;
                Server survivor = holder == a ? b : a;
                long killed = System.nanoTime();
                ProcessHandle.of(holder.pid()).ifPresent(ProcessHandle::destroyForcibly);
                long moved = -1;
                while (System.nanoTime() - killed < 60_000_000_000L) {
                    if (survivor.getJson("/debug/cluster").getBoolean("lease_held_here")) {
                        moved = System.nanoTime() - killed;
                        break;
                    }
                    Thread.sleep(20);
                }
                print(String.format(Locale.ROOT, "lease failover after kill -9 of its holder: %s ms (lease %s)",
                        moved < 0 ? "> 60000" : ms(moved), "15s (default)"));
                print("server log warnings: A " + a.warningsInLog() + ", B " + b.warningsInLog());
            } finally {
                if (a != null) a.close();
                if (b != null) b.close();
            }
        }
    }

    private static Map<String, String> clustered(Map<String, String> common, String members, String name, int port) {
        Map<String, String> env = new LinkedHashMap<>(common);
        env.put("NEWSSTREAM_CLUSTER", members);
        env.put("NEWSSTREAM_CLUSTER_NAME", name);
        env.put("NEWSSTREAM_CLUSTER_PORT", String.valueOf(port));
        env.put("NEWSSTREAM_CLUSTER_INTERFACE", "127.0.0.1");
        return env;
    }

    private static void awaitMembers(Server server, int n) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (server.getJson("/debug/cluster").getJsonArray("members").size() < n) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the members did not see each other");
            Thread.sleep(100);
        }
    }

    record Idle(long rssKb, long heapKb, long threads, double cpu) {
    }

    private static Idle idle(Server server) throws Exception {
        Thread.sleep(3000);
        long heap = server.heapUsedKbAfterGc();
        long cpu0 = server.cpuNanos(), wall0 = System.nanoTime();
        Thread.sleep(IDLE_WINDOW_MS);
        double cpu = (double) (server.cpuNanos() - cpu0) / (System.nanoTime() - wall0);
        return new Idle(server.procStatus("VmRSS"), heap, server.procStatus("Threads"), cpu);
    }

    /** Starts a refresh on every given server at once and counts the upstream requests it caused. */
    private static int refreshCount(FixtureFeedServer feeds, List<Server> servers) throws Exception {
        int before = feeds.totalRequests();
        List<Thread> posts = new ArrayList<>();
        for (Server s : servers) {
            Thread t = new Thread(() -> {
                try {
                    s.post("/cache/refresh");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            posts.add(t);
        }
        for (Thread t : posts) t.join();
        for (Server s : servers) awaitRefreshDone(s);
        Thread.sleep(1000);
        return feeds.totalRequests() - before;
    }

    /**
     * N live clients on {@code a} and N on {@code b} (the same server when alone); one new article in
     * source 1, ingested by a refresh on {@code a}; the time from the POST to each client's article frame.
     */
    private static List<String> deliver(Server a, Server b, FixtureFeedServer feeds, int n) throws Exception {
        try (SseSwarm onA = new SseSwarm(a.port()); SseSwarm onB = a == b ? null : new SseSwarm(b.port())) {
            List<SseSwarm.Stream> clientsA = open(onA, n);
            List<SseSwarm.Stream> clientsB = onB == null ? List.of() : open(onB, n);
            Thread.sleep(2000);
            liveItems.add(0, item("s1 breaking " + liveItems.size(), 0));
            feeds.putFeed("/s1.xml", FixtureFeedServer.rss("S1", liveItems));
            long t0 = System.nanoTime();
            var answer = a.post("/cache/refresh");
            if (!answer.body().contains("started")) throw new IllegalStateException("refresh did not start: " + answer.body());
            List<SseSwarm.Stream> all = new ArrayList<>(clientsA);
            all.addAll(clientsB);
            SseSwarm.await(all, s -> s.firstArticleNanos != 0 || s.ended(), 60_000);
            awaitRefreshDone(a);
            List<String> result = new ArrayList<>();
            result.add(summary(clientsA, t0, n));
            if (onB != null) result.add(summary(clientsB, t0, n));
            onA.abortAll(clientsA);
            if (onB != null) onB.abortAll(clientsB);
            return result;
        }
    }

    private static String summary(List<SseSwarm.Stream> clients, long t0, int n) {
        List<Long> latencies = new ArrayList<>();
        for (SseSwarm.Stream s : clients) if (s.firstArticleNanos != 0) latencies.add(s.firstArticleNanos - t0);
        if (latencies.isEmpty()) return "0/" + n + " delivered";
        Stats stats = new Stats(latencies);
        return ms(stats.p50()) + " / " + ms(stats.p99()) + " / " + ms(stats.max())
                + (latencies.size() < n ? " (" + latencies.size() + "/" + n + " delivered)" : "");
    }

    private static List<SseSwarm.Stream> open(SseSwarm swarm, int n) throws Exception {
        Semaphore connecting = new Semaphore(200);
        swarm.listener(new SseSwarm.Listener() {
            @Override
            public void frame(SseSwarm.Stream s, String event, long nanos) {
                if (event.equals("complete") || event.equals("error")) connecting.release();
            }

            @Override
            public void ended(SseSwarm.Stream s, long nanos) {
                if (s.completeNanos == 0 && s.errors == 0) connecting.release();
            }
        });
        List<SseSwarm.Stream> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!connecting.tryAcquire(60, TimeUnit.SECONDS)) throw new IllegalStateException("clients stopped completing");
            clients.add(swarm.open(STREAM));
        }
        SseSwarm.await(clients, s -> s.completeNanos != 0 || s.ended(), 120_000);
        return clients;
    }

    private static void awaitRefreshDone(Server server) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonObject status = server.getJson("/cache/status");
            if (!status.getBoolean("update_in_progress")) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("the refresh did not finish within 60 s");
    }

    private static FixtureFeedServer.Item item(String title, int hoursAgo) {
        String slug = title.replace(' ', '-');
        return new FixtureFeedServer.Item(title, "http://127.0.0.1/bench/" + slug, "bench-" + slug,
                Instant.now().minusSeconds(3600L * hoursAgo), "<p>" + title + "</p>");
    }

    private static String mb(long kb) {
        return String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    private static String pct(double cpu) {
        return String.format(Locale.ROOT, "%.1f%%", cpu * 100);
    }
}
