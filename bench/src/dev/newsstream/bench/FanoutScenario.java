package dev.newsstream.bench;

import static dev.newsstream.bench.Bench.print;
import static dev.newsstream.bench.Stats.ms;

import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.SourcesJson;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out: N idle live clients ({@code /news/stream?category=live&live=true}, N = 1,000 and 10,000,
 * all on one selector thread here); once every one has `complete`, ONE new article is published (the
 * feed gets one more item, then POST /cache/refresh) and the time until each client has its
 * `article` frame is measured from the POST. Also the server's memory and threads per open client.
 *
 * <p>Targets: 10,000 live clients; delivery p99 under 1 s; under 50 KB per client.
 */
final class FanoutScenario {

    static final int[] SIZES = Arrays.stream(System.getProperty("bench.fanout.sizes", "1000,10000").split(","))
            .map(String::trim).mapToInt(Integer::parseInt).toArray();
    /** Clients connecting at once (opened but not yet `complete`): a burst of connects, but not a SYN flood. */
    static final int CONNECTING = Integer.getInteger("bench.fanout.connecting", 200);
    static final String STREAM = "/news/stream?category=live&live=true";
    /** -Dbench.fanout.jfr=true: a JFR recording (profile settings) of each idle window and each publish, in target/bench/fanout/. */
    static final boolean JFR = Boolean.getBoolean("bench.fanout.jfr");
    /** How long the server's CPU use with N idle clients is sampled. */
    static final int IDLE_WINDOW_MS = Integer.getInteger("bench.fanout.idleWindowMs", 15_000);
    static final String FEED = "/rss/live.xml";

    private static final List<FixtureFeedServer.Item> items = new ArrayList<>();
    private static String heapByClass = "";

    private FanoutScenario() {
    }

    static void run() throws Exception {
        int max = Arrays.stream(SIZES).max().orElse(0);
        try (FixtureFeedServer feeds = FixtureFeedServer.start()) {
            for (int i = 1; i <= 5; i++) items.add(item("seed " + i, Instant.parse("2026-11-20T12:00:00Z").minusSeconds(3600L * i)));
            feeds.putFeed(FEED, FixtureFeedServer.rss("Live", items));
            SourcesJson sources = new SourcesJson().add("Live wire", feeds.url(FEED), "live");
            Path dir = Files.createDirectories(Bench.workDir.resolve("fanout"));
            Path file = Files.writeString(dir.resolve("sources.json"), sources.json());
            String cap = String.valueOf(Math.max(2000, max * 2));
            try (Server server = Server.start(Bench.basedir, dir, Bench.javaOpts, Server.settings(
                    "NEWSSTREAM_SOURCES", file.toString(),
                    "NEWSSTREAM_INGEST_ENABLED", "false",
                    "NEWSSTREAM_STREAM_MAX_PER_ADDRESS", cap, // every client of the swarm comes from 127.0.0.1
                    "NEWSSTREAM_STREAM_MAX_ACTIVE", cap,       // the default cap is 2,000 streams
                    "NEWSSTREAM_FETCH_MIN_INTERVAL", "0s"));   // each publish must really fetch
                 SseSwarm swarm = new SseSwarm(server.port())) {
                print("server: pid " + server.pid() + ", port " + server.port() + ", ready after " + server.bootMillis
                        + " ms; 1 source (category live); NEWSSTREAM_STREAM_MAX_ACTIVE=" + cap
                        + " (default 2000), NEWSSTREAM_FETCH_MIN_INTERVAL=0s, ingest off; live heartbeat 15 s, "
                        + "writer executor 16 threads (defaults)");
                refreshAndWait(server);

                // warm-up: 200 live clients through one publish, then gone
                round(server, feeds, swarm, 200, true);

                Table table = new Table("fanout: one new article to N idle live clients (server " + Bench.javaOpts + ")",
                        "N", "clients live", "open all (s)", "delivered", "p50 ms", "p99 ms", "max ms",
                        "RSS/client KB", "heap/client KB", "threads before -> with N", "CPU idle -> with N idle", "gone after close (s)");
                List<String> notes = new ArrayList<>();
                for (int n : SIZES) {
                    Result r = round(server, feeds, swarm, n, false);
                    table.row(String.format(Locale.ROOT, "%,d", n), r.live, Stats.seconds(r.openNanos), r.delivered + "/" + n,
                            ms(r.delivery.p50()), ms(r.delivery.p99()), ms(r.delivery.max()),
                            String.format(Locale.ROOT, "%.1f", (double) (r.rssWith - r.rssBefore) / n),
                            String.format(Locale.ROOT, "%.1f", (double) (r.heapWith - r.heapBefore) / n),
                            r.threadsBefore + " -> " + r.threadsWith,
                            String.format(Locale.ROOT, "%.0f%% -> %.0f%%", r.baseCpu * 100, r.idleCpu * 100),
                            r.goneNanos < 0 ? "> 90" : Stats.seconds(r.goneNanos));
                    notes.add(String.format(Locale.ROOT,
                            "N=%,d: VmRSS %,d -> %,d kB, heap after full GC %,d -> %,d kB, fds %d -> %d; first article at %s ms,"
                                    + " spread first->last %s ms; server CPU from the POST to the last delivery %s ms; refresh answered in %s ms;"
                                    + " %d error frames, %d clients ended early",
                            n, r.rssBefore, r.rssWith, r.heapBefore, r.heapWith, r.fdsBefore, r.fdsWith,
                            ms(r.delivery.min()), ms(r.delivery.max() - r.delivery.min()), ms(r.cpuPublish),
                            ms(r.postNanos), r.errors, r.endedEarly));
                }
                print(table.render());
                print("RSS/client: VmRSS with N open minus before, / N (the heap is pre-touched, so this is what the"
                        + " clients cost outside the Java heap); heap/client: used heap after a full GC, with N minus"
                        + " before, / N; CPU: the server JVM's CPU time / wall time (100% = one core).");
                notes.forEach(Bench::print);
                print(heapByClass);
                print("server log warnings: " + server.warningsInLog());
            }
        }
    }

    record Result(int live, long openNanos, int delivered, Stats delivery, long rssBefore, long rssWith,
                  long heapBefore, long heapWith, long threadsBefore, long threadsWith, long fdsBefore, long fdsWith,
                  long goneNanos, long postNanos, int errors, int endedEarly, double baseCpu, double idleCpu, long cpuPublish) {
    }

    private static Result round(Server server, FixtureFeedServer feeds, SseSwarm swarm, int n, boolean warmUp)
            throws Exception {
        Thread.sleep(warmUp ? 0 : 3000);
        long heapBefore = warmUp ? 0 : server.heapUsedKbAfterGc();
        String histogramBefore = warmUp ? "" : server.jcmd("GC.class_histogram");
        long rssBefore = server.procStatus("VmRSS");
        long threadsBefore = server.procStatus("Threads");
        long fdsBefore = server.openFileDescriptors();
        long cpuB = server.cpuNanos(), wallB = System.nanoTime();
        if (!warmUp) Thread.sleep(5000);
        double baseCpu = warmUp ? 0 : (double) (server.cpuNanos() - cpuB) / (System.nanoTime() - wallB);

        // open n clients, CONNECTING at a time
        Semaphore connecting = new Semaphore(CONNECTING);
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
        long openStart = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (!connecting.tryAcquire(60, TimeUnit.SECONDS)) throw new IllegalStateException("clients stopped completing");
            clients.add(swarm.open(STREAM));
        }
        SseSwarm.await(clients, s -> s.completeNanos != 0 || s.ended(), 120_000);
        long openNanos = System.nanoTime() - openStart;
        int live = (int) clients.stream().filter(s -> s.completeNanos != 0 && !s.ended()).count();
        int errors = clients.stream().mapToInt(s -> s.errors).sum();

        if (!warmUp) Thread.sleep(3000);
        long heapWith = warmUp ? 0 : server.heapUsedKbAfterGc();
        if (!warmUp && n == Arrays.stream(SIZES).max().orElse(0)) histogramDiff(histogramBefore, server.jcmd("GC.class_histogram"), n);
        long rssWith = server.procStatus("VmRSS");
        long threadsWith = server.procStatus("Threads");
        long fdsWith = server.openFileDescriptors();
        // what N idle clients cost in CPU: heartbeats (every 15 s per live stream) and nothing else
        Path idleJfr = Bench.workDir.resolve("fanout/idle-" + n + ".jfr");
        if (JFR && !warmUp) server.jcmd("JFR.start name=idle settings=profile filename=" + idleJfr);
        long cpu0 = server.cpuNanos(), wall0 = System.nanoTime();
        if (!warmUp) Thread.sleep(IDLE_WINDOW_MS);
        double idleCpu = warmUp ? 0 : (double) (server.cpuNanos() - cpu0) / (System.nanoTime() - wall0);
        if (JFR && !warmUp) {
            server.jcmd("JFR.stop name=idle");
            print("JFR recording of " + n + " idle clients: " + Bench.basedir.relativize(idleJfr));
        }

        // publish ONE article
        items.add(0, item("breaking " + items.size(), Instant.now()));
        feeds.putFeed(FEED, FixtureFeedServer.rss("Live", items));
        Path jfr = Bench.workDir.resolve("fanout/publish-" + n + ".jfr");
        if (JFR && !warmUp) server.jcmd("JFR.start name=publish settings=profile filename=" + jfr);
        long cpuPublish = server.cpuNanos();
        long t0 = System.nanoTime();
        var answer = server.post("/cache/refresh");
        long postNanos = System.nanoTime() - t0;
        if (!answer.body().contains("started")) throw new IllegalStateException("refresh did not start: " + answer.body());
        SseSwarm.await(clients, s -> s.firstArticleNanos != 0 || s.ended(), 60_000);
        cpuPublish = server.cpuNanos() - cpuPublish; // the server's CPU time for fetching and delivering it
        List<Long> latencies = new ArrayList<>();
        for (SseSwarm.Stream s : clients) if (s.firstArticleNanos != 0) latencies.add(s.firstArticleNanos - t0);
        int endedEarly = (int) clients.stream().filter(SseSwarm.Stream::ended).count();
        if (JFR && !warmUp) {
            server.jcmd("JFR.stop name=publish");
            print("JFR recording of the publish to " + n + " clients: " + Bench.basedir.relativize(jfr));
        }
        awaitRefreshDone(server);

        // everyone leaves; how long until the server notices (idle live streams only find out by writing)
        swarm.abortAll(clients);
        long gone = server.awaitActiveStreams(0, Duration.ofSeconds(90));
        swarm.listener((s, e, t) -> { });
        return new Result(live, openNanos, latencies.size(), new Stats(latencies), rssBefore, rssWith, heapBefore,
                heapWith, threadsBefore, threadsWith, fdsBefore, fdsWith, gone, postNanos, errors, endedEarly, baseCpu, idleCpu, cpuPublish);
    }

    /** What the open clients hold on the server's heap: the classes that grew most, per client. */
    private static void histogramDiff(String before, String with, int n) {
        java.util.Map<String, long[]> a = histogram(before), b = histogram(with);
        Table t = new Table("fanout: heap growth by class with " + String.format(Locale.ROOT, "%,d", n)
                + " live clients (after full GC; top 15)", "class", "instances/client", "bytes/client");
        b.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), new long[] {
                        e.getValue()[0] - a.getOrDefault(e.getKey(), new long[2])[0],
                        e.getValue()[1] - a.getOrDefault(e.getKey(), new long[2])[1]}))
                .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
                .limit(15)
                .forEach(e -> t.row(e.getKey(), String.format(Locale.ROOT, "%.1f", (double) e.getValue()[0] / n),
                        String.format(Locale.ROOT, "%.0f", (double) e.getValue()[1] / n)));
        heapByClass = t.render();
    }

    private static java.util.Map<String, long[]> histogram(String jcmdOutput) {
        java.util.Map<String, long[]> classes = new java.util.HashMap<>();
        var row = java.util.regex.Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
        for (String line : jcmdOutput.split("\n")) {
            var m = row.matcher(line);
            if (m.find()) classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return classes;
    }

    private static FixtureFeedServer.Item item(String title, Instant published) {
        String slug = title.replace(' ', '-');
        return new FixtureFeedServer.Item(title, "http://127.0.0.1/live/" + slug, "live-" + slug, published,
                "<p>" + title + "</p>");
    }

    private static void refreshAndWait(Server server) throws Exception {
        server.post("/cache/refresh");
        awaitRefreshDone(server);
    }

    private static void awaitRefreshDone(Server server) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonObject status = server.getJson("/cache/status");
            if (!status.getBoolean("update_in_progress") && status.getInt("update_count") > 0) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("the refresh did not finish within 60 s");
    }
}
