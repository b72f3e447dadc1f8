package dev.newsstream.bench;

import static dev.newsstream.bench.Bench.print;
import static dev.newsstream.bench.Stats.ms;

import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.SourcesJson;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stalled clients: N clients (2,000) connect with a tiny receive window to
 * {@code /news/stream?category=many&use_cache=false&live=true} over many sources and never read a byte,
 * while one healthy client streams the same. Measured: the server's heap per stalled client (used heap
 * after a full GC, while they are held), the healthy client's time to {@code complete} against the same
 * without the stalled ones, {@code /health/live} latency meanwhile, and the time until every stalled
 * client is released. Two rounds of the same 2,000 clients: the first measures the heap (a forced full GC
 * with ~2 GB live stops the server for seconds), the second times the healthy client, the releases and
 * {@code /health/live} without that pause in them. The stalled clients come from 127.0.0.2, 127.0.0.3, … (50 per address: the
 * default cap per address), so the per-address cap stays at its default.
 *
 * <p>Targets: at most 1.2 MiB per stalled client; the healthy client within 1.5x its quiet time; every
 * stalled client released within the write deadline + 2 heartbeats.
 */
final class StalledScenario {

    static final int STALLED = Integer.getInteger("bench.stalled.clients", 2000);
    static final int SOURCES = Integer.getInteger("bench.stalled.sources", 40);
    static final int ITEMS = Integer.getInteger("bench.stalled.items", 40);
    static final int RECEIVE_BUFFER = Integer.getInteger("bench.stalled.receiveBuffer", 1024);
    static final int PER_ADDRESS = 50;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10); // the default
    static final Duration HEARTBEAT = Duration.ofMillis(250);     // the default
    static final String STREAM = "/news/stream?category=many&use_cache=false&live=true";
    /** Between two probes of /health/live while the stalled clients are held: ~100 a second, not back to back. */
    static final Duration PROBE_PAUSE = Duration.ofMillis(10);
    /** Healthy runs without the stalled clients, and with them (the first started as they connect). */
    static final int QUIET_RUNS = 5;
    /**
     * The stalled clients pin up to ~1 MiB each by design: 2,000 of them need more than the usual 1 GiB. A fixed
     * heap, as in the other scenarios and as docs/deploying.md advises: one that starts small grows through the
     * burst with a small young generation, copying the clients' buffers from collection to collection (the burst
     * took 10-12 s instead of 4.5-5 s). Not pre-touched: 3 GiB of it slows the start on a busy machine.
     */
    static final String JAVA_OPTS = System.getProperty("bench.stalled.javaOpts",
            "-Xms3g -Xmx3g -XX:+ExitOnOutOfMemoryError");

    /** Why healthy runs ended without {@code complete} (a benchmark's own record, one run per JVM). */
    private static final List<String> HEALTHY_FAILURES = new java.util.concurrent.CopyOnWriteArrayList<>();

    private StalledScenario() {
    }

    static void run() throws Exception {
        try (FixtureFeedServer feeds = FixtureFeedServer.start()) {
            SourcesJson sources = new SourcesJson();
            String words = "lorem ipsum dolor sit amet ".repeat(16); // ~430 characters of description
            for (int s = 1; s <= SOURCES; s++) {
                List<FixtureFeedServer.Item> items = new ArrayList<>();
                for (int i = 1; i <= ITEMS; i++) {
                    items.add(new FixtureFeedServer.Item("Source " + s + " story " + i, "http://127.0.0.1/s" + s + "/" + i,
                            "s" + s + "-" + i, Instant.parse("2026-11-20T12:00:00Z").minusSeconds(60L * i + s),
                            "<p>" + words + i + "</p>"));
                }
                feeds.putFeed("/rss/s" + s + ".xml", FixtureFeedServer.rss("Source " + s, items));
                sources.add("Source " + s, feeds.url("/rss/s" + s + ".xml"), "many");
            }
            feeds.setDelay("/rss/", Duration.ofMillis(200)); // a fetch takes a while, as real feeds do
            Path dir = Files.createDirectories(Bench.workDir.resolve("stalled"));
            Path file = Files.writeString(dir.resolve("sources.json"), sources.json());
            try (Server server = Server.start(Bench.basedir, dir, JAVA_OPTS, Server.settings(
                    "NEWSSTREAM_SOURCES", file.toString(),
                    "NEWSSTREAM_INGEST_ENABLED", "false",
                    "NEWSSTREAM_STREAM_MAX_ACTIVE", String.valueOf(STALLED + 100),
                    "NEWSSTREAM_FETCH_MAX_PER_HOST", "64", // every feed is on one fixture host
                    // every stream fetches every source (in flights it shares with the streams asking at the same
                    // time), so the quiet runs and the runs among stalled clients do the same work: with the
                    // default 10 s the quiet runs, right after the refresh, were answered from the cache
                    "NEWSSTREAM_FETCH_MIN_INTERVAL", "0s"));
                 SseSwarm swarm = new SseSwarm(server.port())) {
                print("server: pid " + server.pid() + ", port " + server.port() + ", " + JAVA_OPTS + ", ready after "
                        + server.bootMillis + " ms; " + SOURCES + " sources x " + ITEMS + " items (feeds answer after"
                        + " 200 ms), category many; NEWSSTREAM_STREAM_MAX_ACTIVE=" + (STALLED + 100) + ", NEWSSTREAM_FETCH_MAX_PER_HOST=64,"
                        + " NEWSSTREAM_FETCH_MIN_INTERVAL=0s; everything else default (write deadline 10 s, heartbeat"
                        + " 250 ms, 1 MiB per client, 50 per address)");
                server.post("/cache/refresh");
                awaitRefreshDone(server);

                List<Long> quiet = new ArrayList<>();
                for (int i = 0; i < QUIET_RUNS; i++) quiet.add(healthyRun(swarm));
                HealthProbe idleProbe = new HealthProbe(server, "/health/live");
                Stats idleHealth = idleProbe.run(300);

                Thread.sleep(2000);
                long heapBefore = server.heapUsedKbAfterGc();
                long rssBefore = server.procStatus("VmRSS");

                // round 1, memory: the heap is measured after a full GC, which stops the server for seconds with
                // ~2 GB live; it must not fall into the round whose releases and healthy runs are timed
                List<Socket> stalled = new ArrayList<>(STALLED);
                long openStart = System.nanoTime();
                int failedToOpen = openStalled(server, stalled);
                long lastOpened = System.nanoTime();
                healthyRun(swarm); // as in round 2: the stalled clients are served their frames meanwhile
                JsonObject streams = server.getJson("/debug/streams"); // the peak: all connected, holding their frames
                int heldAtPeak = streams.getInt("active_streams");
                long parked = streams.getJsonObject("streams").values().stream()
                        .filter(v -> v.asJsonObject().getBoolean("parked", false)).count();
                long pinnedTotal = streams.getJsonObject("streams").values().stream()
                        .mapToLong(v -> v.asJsonObject().getJsonNumber("pinned_bytes").longValue()).sum();
                long heapWith = server.heapUsedKbAfterGc();
                long rssWith = server.procStatus("VmRSS");
                int heldAfterGc = server.activeStreams();
                server.awaitActiveStreams(0, Duration.ofSeconds(120));
                long heapReleased = server.heapUsedKbAfterGc(); // back to the start, or something still holds them
                if (heapReleased > heapBefore * 2) {
                    print("heap still held once every stalled client was released, biggest classes:\n```\n"
                            + server.jcmd("GC.class_histogram").lines().limit(28).reduce("", (a, b) -> a + b + "\n") + "```");
                }
                for (Socket s : stalled) s.close();

                // round 2, timing: the same clients again, with no forced GC
                HealthProbe probe = new HealthProbe(server, "/health/live");
                probe.start(PROBE_PAUSE);
                ParkWatch parks = new ParkWatch(server);
                parks.start();
                stalled.clear();
                long openStart2 = System.nanoTime();
                failedToOpen += openStalled(server, stalled);
                long lastOpened2 = System.nanoTime();
                List<Long> loaded = new ArrayList<>();
                loaded.add(healthyRun(swarm)); // while the stalled clients are being served their frames
                long burstRun = loaded.get(0);
                // while they are parked, or being let go: as many runs as the quiet baseline has, so the two medians
                // are alike (with three, one of them the burst's, the "median" was the slower of two runs)
                for (int i = 1; i < QUIET_RUNS; i++) loaded.add(healthyRun(swarm));
                long releasedAfterLast = server.awaitActiveStreams(0, Duration.ofSeconds(120));
                long releasedNanos = releasedAfterLast < 0 ? -1 : System.nanoTime() - lastOpened2;
                Stats health = probe.stop();
                parks.stop();
                long afterAll = healthyRun(swarm);
                for (Socket s : stalled) s.close();

                Stats q = new Stats(quiet), l = new Stats(loaded);
                int held = Math.max(1, Math.min(heldAtPeak, STALLED));
                Table table = new Table("stalled: " + STALLED + " clients that never read, one healthy client",
                        "measure", "value", "target");
                table.row("stalled clients opened per round (failed, both rounds) / in s", STALLED + " (" + failedToOpen
                        + ") in " + Stats.seconds(lastOpened - openStart) + " / " + Stats.seconds(lastOpened2 - openStart2) + " s", "");
                table.row("held at the peak / parked / pinned by their count", heldAtPeak + " / " + parked + " / "
                        + String.format(Locale.ROOT, "%.0f KiB each", pinnedTotal / 1024.0 / held), "");
                table.row("heap per stalled client (after full GC, " + heldAfterGc + " still held)",
                        String.format(Locale.ROOT, "%.0f KiB", (double) (heapWith - heapBefore) / held), "<= 1.2 MiB");
                table.row("heap once every stalled client was released (after full GC) / before they came",
                        String.format(Locale.ROOT, "%,d / %,d kB", heapReleased, heapBefore), "back to before");
                table.row("RSS per stalled client (heap pre-touched)",
                        String.format(Locale.ROOT, "%.0f KiB", (double) (rssWith - rssBefore) / held), "");
                table.row("healthy client to complete: quiet p50 (" + QUIET_RUNS + " runs)", ms(q.p50()) + " ms", "");
                table.row("healthy client to complete: with the stalled clients (" + QUIET_RUNS + " runs) p50 / max; the one started"
                        + " as they connected", ms(l.p50()) + " / " + ms(l.max()) + " ms; " + ms(burstRun) + " ms", "");
                table.row("with / quiet", String.format(Locale.ROOT, "%.2fx (max %.2fx)", l.p50() / (double) q.p50(),
                        l.max() / (double) q.p50()), "<= 1.5x");
                table.row("healthy client after all were released", ms(afterAll) + " ms", "");
                table.row("healthy runs without complete (counted as 60 s)", HEALTHY_FAILURES.isEmpty() ? "0"
                        : HEALTHY_FAILURES.size() + ": " + HEALTHY_FAILURES, "0");
                table.row("/health/live idle p50 / p99", ms(idleHealth.p50()) + " / " + ms(idleHealth.p99()) + " ms", "");
                table.row("/health/live meanwhile p50 / p99 / max (" + health.count() + " requests " + PROBE_PAUSE.toMillis()
                        + " ms apart, " + probe.errors() + " errors)", ms(health.p50()) + " / " + ms(health.p99()) + " / " + ms(health.max()) + " ms", "");
                table.row("last stalled client connected -> all released", releasedNanos < 0 ? "> 120 s"
                        : Stats.seconds(releasedNanos) + " s", "<= " + Stats.seconds(
                        WRITE_TIMEOUT.plus(HEARTBEAT.multipliedBy(2)).toNanos()) + " s after each stalls");
                Stats atMost = parks.releasedAfterAtMost(), atLeast = parks.releasedAfterAtLeast(), gaps = parks.pollGaps();
                table.row("each stalled client: parked -> released, p50 / p99 / max, on the server's clock (" + parks.released()
                        + " seen parked, " + parks.unparkedMeanwhile() + " of them unparked meanwhile, " + parks.neverParked()
                        + " released unparked)", atMost == null ? "-"
                        : "at least " + ms(atLeast.p50()) + " / " + ms(atLeast.p99()) + " / " + ms(atLeast.max())
                        + " ms, at most " + ms(atMost.p50()) + " / " + ms(atMost.p99()) + " / " + ms(atMost.max()) + " ms",
                        "<= " + Stats.seconds(WRITE_TIMEOUT.plus(HEARTBEAT.multipliedBy(2)).toNanos()) + " s");
                table.row("... /debug/streams answers apart (the release's uncertainty), p50 / max", gaps == null ? "-"
                        : ms(gaps.p50()) + " / " + ms(gaps.max()) + " ms (polled every " + ParkWatch.EVERY.toMillis()
                        + " ms after each answer)", "");
                print(table.render());
                print(String.format(Locale.ROOT, "heap after full GC %,d -> %,d kB; VmRSS %,d -> %,d kB", heapBefore, heapWith,
                        rssBefore, rssWith));
                print("streams closed by reason: " + server.get("/metrics").body().lines()
                        .filter(x -> x.startsWith("newsstream_streams_closed")).toList());
                print("server log warnings: " + server.warningsInLog());
            }
        }
    }

    /** Opens the stalled clients, 50 per local address; returns how many failed to open. */
    private static int openStalled(Server server, List<Socket> into) {
        int failed = 0;
        for (int i = 0; i < STALLED; i++) {
            try {
                into.add(openStalled(server.port(), "127.0.0." + (2 + i / PER_ADDRESS)));
            } catch (IOException e) {
                failed++;
            }
        }
        return failed;
    }

    /** Opens one stream from {@code local} with a tiny receive window and never reads from it. */
    private static Socket openStalled(int port, String local) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER);
        socket.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + STREAM + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /**
     * One healthy stream over the same sources: the time from opening to its complete frame. A run that gets
     * no {@code complete} is a result too (counted and reported with why it ended), not the end of the benchmark.
     */
    private static long healthyRun(SseSwarm swarm) throws Exception {
        SseSwarm.Stream s = swarm.open(STREAM);
        if (!SseSwarm.await(List.of(s), x -> x.completeNanos != 0 || x.ended(), 60_000) || s.completeNanos == 0) {
            swarm.abortAll(List.of(s));
            HEALTHY_FAILURES.add(String.valueOf(s.endReason));
            print("healthy client got no complete: " + s.endReason);
            return 60_000_000_000L;
        }
        long took = s.completeNanos - s.startNanos;
        swarm.abortAll(List.of(s));
        return took;
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
