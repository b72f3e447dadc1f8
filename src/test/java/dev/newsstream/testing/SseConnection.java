package dev.newsstream.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SSE client for tests: raw HTTP/1.1, frames parsed by the rules of the SSE spec, and an
 * {@link #abort()} that drops the connection the way a closed browser tab does.
 */
public final class SseConnection implements AutoCloseable {

    /** One frame as it came over the wire; {@code comment} is set for heartbeat comments. */
    public record Frame(String event, String id, String data, String comment, Long retry) {
        public JsonObject json() {
            return Json.createReader(new StringReader(data)).readObject();
        }

        public boolean isComment() {
            return comment != null && data == null && event == null;
        }
    }

    private static final Frame END = new Frame("<end>", null, null, null, null);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final List<String> rawLines = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean ended;

    private SseConnection(HttpResponse<InputStream> response) {
        this.response = response;
        Thread reader = new Thread(this::readFrames, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseConnection open(URI uri) {
        return open(uri, Map.of());
    }

    public static SseConnection post(URI uri) {
        return connect(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()), Map.of());
    }

    public static SseConnection open(URI uri, Map<String, String> headers) {
        return connect(HttpRequest.newBuilder(uri).GET(), headers);
    }

    private static SseConnection connect(HttpRequest.Builder request, Map<String, String> headers) {
        request.header("Accept", "text/event-stream");
        URI uri = request.build().uri();
        headers.forEach(request::header);
        try {
            return new SseConnection(CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get(15, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("could not open " + uri + ": " + e, e);
        }
    }

    private void readFrames() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null, id = null, comment = null;
            StringBuilder data = null;
            Long retry = null;
            String line;
            while ((line = in.readLine()) != null) {
                rawLines.add(line);
                if (line.isEmpty()) {
                    if (event != null || id != null || data != null || comment != null || retry != null) {
                        frames.add(new Frame(event, id, data == null ? null : data.toString(), comment, retry));
                    }
                    event = id = comment = null;
                    data = null;
                    retry = null;
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) value = value.substring(1);
                switch (field) {
                    case "" -> comment = value;
                    case "event" -> event = value;
                    case "id" -> id = value;
                    case "retry" -> retry = Long.parseLong(value);
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> throw new IllegalStateException("unknown SSE field in line: " + line);
                }
            }
        } catch (IOException e) {
            // aborted or reset: the stream has ended either way
        } finally {
            ended = true;
            frames.add(END);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** The next data frame (heartbeat comments skipped), or null if none came within the timeout or the stream ended. */
    public Frame nextEvent(Duration timeout) throws InterruptedException {
        return next(timeout, false);
    }

    /** The next frame of any kind, heartbeat comments included. */
    public Frame nextFrame(Duration timeout) throws InterruptedException {
        return next(timeout, true);
    }

    private Frame next(Duration timeout, boolean comments) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (f == null) return null;
            if (f == END) {
                frames.add(END);
                return null;
            }
            if (comments || !f.isComment()) return f;
        }
    }

    /** Every frame up to and including the first named {@code event}; fails if it does not come in time. */
    public List<Frame> eventsUntil(String event, Duration timeout) throws InterruptedException {
        List<Frame> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = nextEvent(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (f == null) throw new AssertionError("no '" + event + "' event within " + timeout + "; got " + seen);
            seen.add(f);
            if (event.equals(f.event())) return seen;
        }
    }

    /** Waits for the server to end the stream. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return Wait.waitFor(() -> ended, timeout);
    }

    public List<String> rawLines() {
        synchronized (rawLines) {
            return List.copyOf(rawLines);
        }
    }

    /** Drops the connection without a word, as a closed browser tab does. */
    public void abort() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        abort();
    }
}
