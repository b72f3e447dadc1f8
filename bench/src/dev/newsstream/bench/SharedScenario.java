package dev.newsstream.bench;

import static dev.newsstream.bench.Bench.print;
import static dev.newsstream.bench.Stats.ms;

import dev.newsstream.testing.FixtureFeedServer;
import dev.newsstream.testing.SourcesJson;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Shared fetches: 100 concurrent streams with use_cache=false over the same 100 sources (95 answer
 * after 200 ms, 5 after 1 s). Single-flight should make that 100 upstream fetches, not 10,000, and
 * every stream should complete about when the slowest source answers. Then the warm cache: time to
 * the first frame of a stream answered from it (goal: p50 under 20 ms).
 */
final class SharedScenario {

    static final int STREAMS = Integer.getInteger("bench.shared.streams", 100);
    static final int FAST = 95;
    static final int SLOW = 5;
    static final Duration FAST_DELAY = Duration.ofMillis(200);
    static final Duration SLOW_DELAY = Duration.ofSeconds(1);

    private SharedScenario() {
    }

    static void run() throws Exception {
        try (FixtureFeedServer feeds = FixtureFeedServer.start()) {
            SourcesJson sources = new SourcesJson();
            for (int i = 1; i <= FAST; i++) sources.add("Src " + i, feeds.url("/rss/src-" + i + ".xml"), "shared");
            for (int i = 1; i <= SLOW; i++) sources.add("Slow " + i, feeds.url("/rss/slow-" + i + ".xml"), "shared");
            // the same shape again, undelayed, only to warm the JIT up before anything is measured
            for (int i = 1; i <= FAST + SLOW; i++) sources.add("Warm " + i, feeds.url("/rss/warm-" + i + ".xml"), "warm");
            // headlines that read like different news, so the story grouping folds what real sources would
            for (int i = 1; i <= FAST; i++) feeds.putFeed("/rss/src-" + i + ".xml", FixtureFeedServer.rss("Src " + i, Headlines.feed("src-" + i, 5)));
            for (int i = 1; i <= SLOW; i++) feeds.putFeed("/rss/slow-" + i + ".xml", FixtureFeedServer.rss("Slow " + i, Headlines.feed("slow-" + i, 5)));
            for (int i = 1; i <= FAST + SLOW; i++) feeds.putFeed("/rss/warm-" + i + ".xml", FixtureFeedServer.rss("Warm " + i, Headlines.feed("warm-" + i, 5)));
            feeds.setDelay("/rss/src-", FAST_DELAY);
            feeds.setDelay("/rss/slow-", SLOW_DELAY);
            Path dir = Files.createDirectories(Bench.workDir.resolve("shared"));
            Path file = Files.writeString(dir.resolve("sources.json"), sources.json());
            try (Server server = Server.start(Bench.basedir, dir, Bench.javaOpts, Server.settings(
                    "NEWSSTREAM_SOURCES", file.toString(),
                    "NEWSSTREAM_INGEST_ENABLED", "false",
                    "NEWSSTREAM_STREAM_MAX_PER_ADDRESS", "1000",   // every client comes from 127.0.0.1
                    "NEWSSTREAM_FETCH_MAX_PER_HOST", "1000"));     // every feed is on one fixture host
                 SseSwarm swarm = new SseSwarm(server.port())) {
                print("server: pid " + server.pid() + ", port " + server.port() + ", ready after " + server.bootMillis
                        + " ms; " + (FAST + SLOW) + " sources in category shared (" + FAST + " delayed "
                        + FAST_DELAY.toMillis() + " ms, " + SLOW + " delayed " + SLOW_DELAY.toMillis()
                        + " ms); feed executor 64 threads; NEWSSTREAM_FETCH_MAX_PER_HOST=1000 (one fixture host); min-interval 10 s, fresh-for 120 s (defaults); ingest off");

                // warm-up on the "warm" category: same code paths, other sources
                for (int round = 0; round < 2; round++) {
                    List<SseSwarm.Stream> warm = openAll(swarm, "/news/stream?category=warm&use_cache=false", STREAMS);
                    SseSwarm.await(warm, s -> s.ended(), 120_000);
                    Thread.sleep(round == 0 ? 10_500 : 500); // past min-interval so round 2 fetches again
                }
                for (int i = 0; i < STREAMS; i++) sequential(swarm, "/news/stream?category=warm");

                long slowest = directFetch(feeds, "/rss/slow-1.xml");
                long fast = directFetch(feeds, "/rss/src-1.xml");

                // baseline: ONE stream over the same sources, nothing else going on
                SseSwarm.Stream alone = sequential(swarm, "/news/stream?category=shared&use_cache=false");
                long aloneComplete = alone.completeNanos == 0 ? -1 : alone.completeNanos - alone.startNanos;
                String aloneTimeline = fetchTimeline(server);
                Thread.sleep(10_500); // past min-interval: the concurrent run below must fetch again
                feeds.resetCounts();

                // cold: 100 concurrent streams, no cache, same 100 sources
                long coldStart = System.nanoTime();
                List<SseSwarm.Stream> cold = openAll(swarm, "/news/stream?category=shared&use_cache=false", STREAMS);
                boolean allDone = SseSwarm.await(cold, s -> s.ended(), 120_000);
                long coldWall = System.nanoTime() - coldStart;
                int coldFetches = feeds.totalRequests();
                int maxPerSource = 0;
                for (int i = 1; i <= FAST; i++) maxPerSource = Math.max(maxPerSource, feeds.requestCount("/rss/src-" + i + ".xml"));
                for (int i = 1; i <= SLOW; i++) maxPerSource = Math.max(maxPerSource, feeds.requestCount("/rss/slow-" + i + ".xml"));
                String fetchTimeline = fetchTimeline(server);
                Stats coldStarting = stats(cold, s -> s.startingNanos);
                Stats coldComplete = stats(cold, s -> s.completeNanos);
                long coldFrames = cold.stream().mapToLong(s -> s.frames).sum();
                long incomplete = cold.stream().filter(s -> s.completeNanos == 0).count();

                // right after: again 100 concurrent, use_cache=false, within min-interval: must not fetch again
                int before = feeds.totalRequests();
                List<SseSwarm.Stream> again = openAll(swarm, "/news/stream?category=shared&use_cache=false", STREAMS);
                SseSwarm.await(again, s -> s.ended(), 120_000);
                int againFetches = feeds.totalRequests() - before;
                Stats againFirst = stats(again, s -> s.firstEventNanos);
                Stats againComplete = stats(again, s -> s.completeNanos);

                // warm cache (use_cache=true, the default): one stream after another
                before = feeds.totalRequests();
                List<SseSwarm.Stream> warm = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) warm.add(sequential(swarm, "/news/stream?category=shared"));
                int warmFetches = feeds.totalRequests() - before;
                Stats warmFirst = stats(warm, s -> s.firstEventNanos);
                Stats warmStarting = stats(warm, s -> s.startingNanos);
                Stats warmComplete = stats(warm, s -> s.completeNanos);
                String warmFirstName = warm.get(0).firstEvent;

                // warm cache, 100 at once
                List<SseSwarm.Stream> warmBurst = openAll(swarm, "/news/stream?category=shared", STREAMS);
                SseSwarm.await(warmBurst, s -> s.ended(), 120_000);
                Stats burstFirst = stats(warmBurst, s -> s.firstEventNanos);
                Stats burstComplete = stats(warmBurst, s -> s.completeNanos);

                print(new Table("shared: " + STREAMS + " concurrent streams (use_cache=false) over the same "
                        + (FAST + SLOW) + " sources", "measure", "value", "goal")
                        .row("upstream fetches", coldFetches + " (max " + maxPerSource + " per source)",
                                (FAST + SLOW) + ", not " + (FAST + SLOW) * STREAMS)
                        .row("streams without `complete`", incomplete + (allDone ? "" : " (timed out)"), "0")
                        .row("frames received (all streams)", coldFrames, "")
                        .row("time to `starting` p50 / p99", ms(coldStarting.p50()) + " / " + ms(coldStarting.p99()) + " ms", "")
                        .row("time to `complete` p50 / p99 / max", ms(coldComplete.p50()) + " / " + ms(coldComplete.p99())
                                + " / " + ms(coldComplete.max()) + " ms", "")
                        .row("one stream alone (same sources, before): `complete` at", ms(aloneComplete) + " ms", "")
                        .row("... its fetch timeline", aloneTimeline, "")
                        .row("bytes received per stream (avg)", String.format(Locale.ROOT, "%,d",
                                cold.stream().mapToLong(s -> s.bytes).sum() / cold.size()), "")
                        .row("slowest single source, fetched directly", ms(slowest) + " ms (a fast one: " + ms(fast) + " ms)", "")
                        .row("`complete` / slowest source, p50 / max", ratio(coldComplete.p50(), slowest) + " / "
                                + ratio(coldComplete.max(), slowest), "~1x")
                        .row("first open -> last stream ended", ms(coldWall) + " ms", "")
                        .row("server's own fetch timeline (/news/sources/stats)", fetchTimeline, "")
                        .render());
                print(new Table("shared: warm cache", "streams", "upstream fetches", "first frame p50 / p99 ms",
                        "`complete` p50 / p99 ms")
                        .row(STREAMS + " at once, use_cache=false, within min-interval", againFetches,
                                ms(againFirst.p50()) + " / " + ms(againFirst.p99()),
                                ms(againComplete.p50()) + " / " + ms(againComplete.p99()))
                        .row(STREAMS + " one after another, use_cache=true (first frame: `" + warmFirstName + "`)",
                                warmFetches, ms(warmFirst.p50()) + " / " + ms(warmFirst.p99()),
                                ms(warmComplete.p50()) + " / " + ms(warmComplete.p99()))
                        .row(STREAMS + " at once, use_cache=true", "-", ms(burstFirst.p50()) + " / " + ms(burstFirst.p99()),
                                ms(burstComplete.p50()) + " / " + ms(burstComplete.p99()))
                        .render());
                print("warm one after another: `starting` p50 " + ms(warmStarting.p50()) + " ms, p99 "
                        + ms(warmStarting.p99()) + " ms; goal first frame p50 < 20 ms: "
                        + (warmFirst.p50() < 20_000_000L ? "MET" : "MISSED")
                        + "; fetch count goal: " + (coldFetches == FAST + SLOW ? "MET" : "MISSED")
                        + "; server log warnings: " + server.warningsInLog());
            }
        }
    }

    /** From each source's last_checked (when its fetch task began) and processing_time_seconds. */
    private static String fetchTimeline(Server server) throws Exception {
        jakarta.json.JsonObject stats = server.getJson("/news/sources/stats");
        java.time.Instant first = null, lastStart = null, lastEnd = null;
        double longestFast = 0, longestSlow = 0;
        for (jakarta.json.JsonValue v : stats.getJsonArray("sources")) {
            jakarta.json.JsonObject s = v.asJsonObject();
            if (!"shared".equals(s.getString("category", ""))) continue;
            java.time.Instant start = java.time.Instant.parse(s.getString("last_checked"));
            double seconds = s.getJsonNumber("processing_time_seconds").doubleValue();
            java.time.Instant end = start.plusNanos((long) (seconds * 1e9));
            if (first == null || start.isBefore(first)) first = start;
            if (lastStart == null || start.isAfter(lastStart)) lastStart = start;
            if (lastEnd == null || end.isAfter(lastEnd)) lastEnd = end;
            if (s.getString("name").startsWith("Slow")) longestSlow = Math.max(longestSlow, seconds);
            else longestFast = Math.max(longestFast, seconds);
        }
        if (first == null) return "n/a";
        return String.format(Locale.ROOT, "fetches began over %d ms; longest fetch %.0f ms (fast) / %.0f ms (slow); "
                        + "first fetch start -> last fetch end %d ms",
                java.time.Duration.between(first, lastStart).toMillis(), longestFast * 1000, longestSlow * 1000,
                java.time.Duration.between(first, lastEnd).toMillis());
    }

    private static List<SseSwarm.Stream> openAll(SseSwarm swarm, String path, int n) {
        List<SseSwarm.Stream> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) streams.add(swarm.open(path));
        return streams;
    }

    private static SseSwarm.Stream sequential(SseSwarm swarm, String path) throws InterruptedException {
        SseSwarm.Stream s = swarm.open(path);
        SseSwarm.await(List.of(s), SseSwarm.Stream::ended, 30_000);
        return s;
    }

    private static Stats stats(List<SseSwarm.Stream> streams, ToLongFunction<SseSwarm.Stream> at) {
        List<Long> samples = new ArrayList<>();
        for (SseSwarm.Stream s : streams) {
            long t = at.applyAsLong(s);
            if (t != 0) samples.add(t - s.startNanos);
        }
        return new Stats(samples);
    }

    private static String ratio(long a, long b) {
        return String.format(Locale.ROOT, "%.2fx", (double) a / b);
    }

    /** How long the bench itself waits for one feed: the floor for any stream over it. */
    private static long directFetch(FixtureFeedServer feeds, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(feeds.url(path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw new IllegalStateException(path + " answered " + r.statusCode());
        return System.nanoTime() - start;
    }
}
