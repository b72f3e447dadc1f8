package dev.newsstream.bench;

import static dev.newsstream.bench.Bench.print;
import static dev.newsstream.bench.Stats.ms;

import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.SourcesJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storm: 20 sources that never answer (/hang/s-1..20, category "hang"); 200 streams opened and
 * aborted in waves of 20 while a prober measures GET /health; then how long after the last abort the
 * service still holds connections to the feed server, and the time to the first frame of 100 streams.
 *
 * <p>Targets: /health p99 during the storm within 2x idle; no upstream connection 3 s after the last abort.
 */
final class StormScenario {

    static final int SOURCES = Integer.getInteger("bench.storm.sources", 20);
    static final int WAVES = Integer.getInteger("bench.storm.waves", 10);
    static final int WAVE_SIZE = Integer.getInteger("bench.storm.waveSize", 20);
    static final int IDLE_PROBES = Integer.getInteger("bench.storm.idleProbes", 500);
    static final int TTFE_STREAMS = Integer.getInteger("bench.storm.ttfeStreams", 100);
    static final int WAVE_EVERY_MS = Integer.getInteger("bench.storm.waveEveryMs", 250);
    static final int DETECTION_SAMPLES = Integer.getInteger("bench.storm.detectionSamples", 20);
    static final String STREAM = "/news/stream?category=hang&use_cache=false";

    private StormScenario() {
    }

    static void run() throws Exception {
        try (FixtureFeedServer feeds = FixtureFeedServer.start()) {
            SourcesJson sources = new SourcesJson();
            for (int i = 1; i <= SOURCES; i++) sources.add("Hang " + i, feeds.url("/hang/s-" + i), "hang");
            Path dir = Files.createDirectories(Bench.workDir.resolve("storm"));
            Path file = Files.writeString(dir.resolve("sources.json"), sources.json());
            try (Server server = Server.start(Bench.basedir, dir, Bench.javaOpts, Server.settings(
                    "NEWSSTREAM_SOURCES", file.toString(),
                    "NEWSSTREAM_INGEST_ENABLED", "false",
                    "NEWSSTREAM_STREAM_MAX_PER_ADDRESS", "1000")); // every client comes from 127.0.0.1
                 SseSwarm swarm = new SseSwarm(server.port())) {
                print("server: pid " + server.pid() + ", port " + server.port() + ", ready after " + server.bootMillis
                        + " ms; " + SOURCES + " sources /hang/s-1.." + SOURCES + " (never answer); ingest off; "
                        + "fetch timeout 20 s (default), heartbeat "
                        + System.getProperty("bench.env.NEWSSTREAM_STREAM_HEARTBEAT", "1s (default)"));
                HealthProbe probe = new HealthProbe(server);

                // warm-up: JIT for /health and for the stream path, then back to a quiet server
                probe.run(2000);
                for (int w = 0; w < 3; w++) wave(swarm);
                feeds.awaitNoOpenConnections("/hang", java.time.Duration.ofSeconds(30));
                server.awaitActiveStreams(0, java.time.Duration.ofSeconds(30));

                Stats idle = probe.run(IDLE_PROBES);

                // the storm
                AtomicInteger peakUpstream = new AtomicInteger();
                Thread monitor = monitor(feeds, peakUpstream);
                int requestsBefore = feeds.totalRequests();
                probe.start();
                long stormStart = System.nanoTime();
                List<Long> stormTtfe = new ArrayList<>();
                long lastAbort = 0;
                int notStarted = 0;
                for (int w = 0; w < WAVES; w++) {
                    long due = stormStart + (long) w * WAVE_EVERY_MS * 1_000_000L;
                    while (System.nanoTime() < due) Thread.sleep(1);
                    List<SseSwarm.Stream> wave = wave(swarm);
                    for (SseSwarm.Stream s : wave) {
                        if (s.startingNanos == 0) notStarted++;
                        else stormTtfe.add(s.startingNanos - s.startNanos);
                        lastAbort = Math.max(lastAbort, s.endNanos);
                    }
                }
                long wavesDone = System.nanoTime();
                int upstreamAtLastAbort = feeds.openConnections("/hang");
                long upstreamClosed = -1, streamsGone = -1;
                long deadline = lastAbort + 60_000_000_000L;
                long nextStreamsCheck = 0;
                while (System.nanoTime() < deadline && (upstreamClosed < 0 || streamsGone < 0)) {
                    long now = System.nanoTime();
                    if (upstreamClosed < 0 && feeds.openConnections("/hang") == 0) upstreamClosed = now - lastAbort;
                    if (streamsGone < 0 && now >= nextStreamsCheck) {
                        if (server.activeStreams() == 0) streamsGone = System.nanoTime() - lastAbort;
                        nextStreamsCheck = System.nanoTime() + 50_000_000L;
                    }
                    Thread.sleep(2);
                }
                Stats during = probe.stop();
                int probeErrors = probe.errors();
                monitor.interrupt();
                int upstreamRequests = feeds.totalRequests() - requestsBefore;

                // time to first event, 100 streams one after another (each aborted once it has it)
                List<Long> ttfe = new ArrayList<>();
                List<Long> firstFrame = new ArrayList<>();
                for (int i = 0; i < TTFE_STREAMS; i++) {
                    SseSwarm.Stream s = swarm.open(STREAM);
                    SseSwarm.await(List.of(s), x -> x.startingNanos != 0 || x.ended(), 10_000);
                    if (s.startingNanos != 0) ttfe.add(s.startingNanos - s.startNanos);
                    if (s.firstEventNanos != 0) firstFrame.add(s.firstEventNanos - s.startNanos);
                    swarm.abortAll(List.of(s));
                }
                long ttfeLastAbort = System.nanoTime();
                boolean cleaned = feeds.awaitNoOpenConnections("/hang", java.time.Duration.ofSeconds(60));
                long ttfeCleanup = cleaned ? System.nanoTime() - ttfeLastAbort : -1;
                Stats sequential = new Stats(ttfe);
                Stats storm = new Stats(stormTtfe);
                Stats idleAfter = probe.run(IDLE_PROBES);

                // one stream at a time: abort it right after `starting`, then time how long until the server
                // has dropped it (active_streams back to 0) and has closed its upstream connections
                List<Long> detected = new ArrayList<>();
                List<Long> upstreamGone = new ArrayList<>();
                for (int i = 0; i < DETECTION_SAMPLES; i++) {
                    Thread.sleep(137 * i % 1000); // spread the aborts over the phase of the 1 s heartbeat ticker
                    SseSwarm.Stream s = swarm.open(STREAM);
                    SseSwarm.await(List.of(s), x -> x.startingNanos != 0 || x.ended(), 10_000);
                    // its fetches must be connected first, or "no upstream connection" would hold at once
                    long connectDeadline = System.nanoTime() + 5_000_000_000L;
                    while (feeds.openConnections("/hang") < SOURCES && System.nanoTime() < connectDeadline) Thread.sleep(1);
                    swarm.abortAll(List.of(s));
                    long d = -1, u = -1;
                    while (System.nanoTime() - s.endNanos < 30_000_000_000L && (d < 0 || u < 0)) {
                        if (d < 0 && server.activeStreams() == 0) d = System.nanoTime() - s.endNanos;
                        if (u < 0 && feeds.openConnections("/hang") == 0) u = System.nanoTime() - s.endNanos;
                        Thread.sleep(5);
                    }
                    detected.add(d);
                    upstreamGone.add(u);
                }
                Stats detection = new Stats(detected);
                Stats upstream = new Stats(upstreamGone);

                print(new Table("storm: GET /health latency", "phase", "requests", "p50 ms", "p99 ms", "max ms", "errors")
                        .row("idle (sequential)", idle.count(), ms(idle.p50()), ms(idle.p99()), ms(idle.max()), 0)
                        .row("during the storm (waves + clean-up)", during.count(), ms(during.p50()), ms(during.p99()),
                                ms(during.max()), probeErrors)
                        .row("idle again after the storm", idleAfter.count(), ms(idleAfter.p50()), ms(idleAfter.p99()),
                                ms(idleAfter.max()), 0)
                        .render());
                double ratio = idle.p99() > 0 ? (double) during.p99() / idle.p99() : Double.NaN;
                print(String.format(java.util.Locale.ROOT, "health p99 during/idle = %.2fx (target <= 2x): %s",
                        ratio, ratio <= 2 ? "MET" : "MISSED"));

                print(new Table("storm: " + WAVES * WAVE_SIZE + " aborted streams in waves of " + WAVE_SIZE
                        + " over " + SOURCES + " never-answering sources", "measure", "value")
                        .row("storm duration (a wave every " + WAVE_EVERY_MS + " ms)", Stats.seconds(wavesDone - stormStart) + " s")
                        .row("streams without a `starting` frame", notStarted)
                        .row("upstream requests made during the storm", upstreamRequests)
                        .row("peak upstream connections open (/hang)", peakUpstream.get())
                        .row("upstream connections open at the last abort", upstreamAtLastAbort)
                        .row("last abort -> no upstream connection (target <= 3 s)",
                                upstreamClosed < 0 ? "not within 60 s" : Stats.seconds(upstreamClosed) + " s")
                        .row("last abort -> server holds no stream (active_streams = 0)",
                                streamsGone < 0 ? "not within 60 s" : Stats.seconds(streamsGone) + " s")
                        .render());
                print("upstream closed within 3 s of the last abort: "
                        + (upstreamClosed >= 0 && upstreamClosed <= 3_000_000_000L ? "MET" : "MISSED"));

                print(new Table("storm: time to first event (`starting`), category hang (no cache, sources never answer)",
                        "streams", "n", "p50 ms", "p99 ms", "max ms")
                        .row(TTFE_STREAMS + " one after another, quiet server", sequential.count(), ms(sequential.p50()),
                                ms(sequential.p99()), ms(sequential.max()))
                        .row("the storm's " + WAVES * WAVE_SIZE + " (" + WAVE_SIZE + " at once)", storm.count(),
                                ms(storm.p50()), ms(storm.p99()), ms(storm.max()))
                        .render());
                print(new Table("storm: disconnect detection, " + DETECTION_SAMPLES
                        + " single streams aborted right after `starting`", "from the abort until", "p50 s", "max s", "min s")
                        .row("the server dropped the stream (active_streams = 0)", Stats.seconds(detection.p50()),
                                Stats.seconds(detection.max()), Stats.seconds(detection.min()))
                        .row("no upstream connection (its 20 fetches cancelled)", Stats.seconds(upstream.p50()),
                                Stats.seconds(upstream.max()), Stats.seconds(upstream.min()))
                        .render());
                print("after the " + TTFE_STREAMS + " sequential streams: no upstream connection "
                        + (ttfeCleanup < 0 ? "not within 60 s" : Stats.seconds(ttfeCleanup) + " s after the last abort")
                        + "; server log warnings: " + server.warningsInLog());
            }
        }
    }

    /** Opens WAVE_SIZE streams at once, waits for each one's `starting` frame, then drops them all. */
    private static List<SseSwarm.Stream> wave(SseSwarm swarm) throws InterruptedException {
        List<SseSwarm.Stream> wave = new ArrayList<>();
        for (int i = 0; i < WAVE_SIZE; i++) wave.add(swarm.open(STREAM));
        SseSwarm.await(wave, s -> s.startingNanos != 0 || s.ended(), 10_000);
        swarm.abortAll(wave);
        return wave;
    }

    private static Thread monitor(FixtureFeedServer feeds, AtomicInteger peak) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(feeds.openConnections("/hang"), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "upstream-monitor");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
