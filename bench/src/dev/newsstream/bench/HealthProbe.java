package dev.newsstream.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Sequential GET /health over one kept-alive HTTP/1.1 connection, each request timed from send to the
 * last byte of the answer. A non-200 answer or a failure counts as an error (and its time is kept).
 */
final class HealthProbe {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HttpRequest request;
    private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());
    private volatile int errors;
    private volatile boolean running;
    private Thread thread;

    HealthProbe(Server server) {
        this(server, "/health");
    }

    HealthProbe(Server server, String path) {
        request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    /** One request; returns its latency in ns. */
    long once() {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) errors++;
        } catch (Exception e) {
            errors++;
        }
        return System.nanoTime() - start;
    }

    /** {@code n} requests back to back. */
    Stats run(int n) {
        long[] lat = new long[n];
        for (int i = 0; i < n; i++) lat[i] = once();
        return new Stats(lat);
    }

    /** Probes back to back on a thread of its own until {@link #stop()}. */
    void start() {
        start(Duration.ZERO);
    }

    /**
     * Probes on a thread of its own until {@link #stop()}, pausing {@code pause} after each answer: back to back,
     * the probe is itself a load (hundreds of requests a second) on the server it measures.
     */
    void start(Duration pause) {
        samples.clear();
        errors = 0;
        running = true;
        thread = new Thread(() -> {
            while (running) {
                samples.add(once());
                if (!pause.isZero()) {
                    try {
                        Thread.sleep(pause.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "health-prober");
        thread.setDaemon(true);
        thread.start();
    }

    Stats stop() throws InterruptedException {
        running = false;
        thread.join(60_000);
        synchronized (samples) {
            return new Stats(new ArrayList<>(samples));
        }
    }

    int errors() {
        return errors;
    }
}
