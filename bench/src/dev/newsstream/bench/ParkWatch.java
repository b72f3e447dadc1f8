package dev.newsstream.bench;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches {@code /debug/streams} while stalled clients are held, to time each one from the moment the server
 * parked it (its frames wait for a client that takes nothing) to the moment it is gone: the release the write
 * deadline promises per client, which "last connect to all released" cannot show when the server needs
 * seconds to fill 2,000 clients' buffers.
 *
 * <p>Everything is on the server's clock, not the benchmark's: each answer carries the server's monotonic
 * {@code taken_at_ms} and each parked stream its {@code parked_ms}, so when the park began is exact, and the
 * release lies between the last answer that listed the stream and the first that did not. Timing the polls
 * here instead put a loaded server's answer latency (seconds during the burst) into every result.
 */
final class ParkWatch {

    static final Duration EVERY = Duration.ofMillis(200);

    private final Server server;
    private final Map<String, Long> parkedAt = new HashMap<>();   // server ms
    private final Map<String, Long> lastListed = new HashMap<>(); // server ms
    private final List<Long> releasedAfterAtLeast = new ArrayList<>();
    private final List<Long> releasedAfterAtMost = new ArrayList<>();
    private final List<Long> pollGaps = new ArrayList<>();
    private int neverParked;
    private final java.util.Set<String> unparked = new java.util.HashSet<>(); // seen parked, later listed unparked
    private volatile boolean running = true;
    private Thread thread;

    ParkWatch(Server server) {
        this.server = server;
    }

    void start() {
        thread = new Thread(this::watch, "park-watch");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    private void watch() {
        long previous = -1;
        while (running) {
            try {
                JsonObject answer = server.getJson("/debug/streams");
                long takenAt = answer.getJsonNumber("taken_at_ms").longValue();
                Map<String, JsonValue> streams = answer.getJsonObject("streams");
                synchronized (this) {
                    if (previous >= 0) pollGaps.add((takenAt - previous) * 1_000_000);
                    previous = takenAt;
                    for (Map.Entry<String, JsonValue> e : streams.entrySet()) {
                        JsonObject view = e.getValue().asJsonObject();
                        lastListed.put(e.getKey(), takenAt);
                        // parked_ms 0: it parked while the answer was being made, after taken_at_ms; the next says when
                        if (view.getBoolean("parked", false) && view.getJsonNumber("parked_ms").longValue() > 0) {
                            // the latest park: a client that took something meanwhile started its deadline over
                            Long before = parkedAt.put(e.getKey(), takenAt - view.getJsonNumber("parked_ms").longValue());
                            if (before != null && Math.abs(before - parkedAt.get(e.getKey())) > 2) unparked.add(e.getKey());
                        } else if (!view.getBoolean("parked", false) && parkedAt.containsKey(e.getKey())) {
                            unparked.add(e.getKey());
                        }
                    }
                    for (String id : List.copyOf(lastListed.keySet())) {
                        if (streams.containsKey(id)) continue;
                        long listed = lastListed.remove(id);
                        Long parked = parkedAt.remove(id);
                        if (parked == null) {
                            neverParked++;
                        } else {
                            releasedAfterAtLeast.add((listed - parked) * 1_000_000);
                            releasedAfterAtMost.add((takenAt - parked) * 1_000_000);
                        }
                    }
                }
                Thread.sleep(EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the server is busy; the next poll sees more
            }
        }
    }

    /** Park to release, at most: up to the first answer that no longer listed the stream. */
    synchronized Stats releasedAfterAtMost() {
        return releasedAfterAtMost.isEmpty() ? null : new Stats(releasedAfterAtMost);
    }

    /** Park to release, at least: up to the last answer that still listed the stream. */
    synchronized Stats releasedAfterAtLeast() {
        return releasedAfterAtLeast.isEmpty() ? null : new Stats(releasedAfterAtLeast);
    }

    /** How far apart the server's answers were: the uncertainty of each release. */
    synchronized Stats pollGaps() {
        return pollGaps.isEmpty() ? null : new Stats(pollGaps);
    }

    synchronized int released() {
        return releasedAfterAtMost.size();
    }

    /** Stalled clients seen parked and later, still held, not parked (or parked anew): their deadline started over. */
    synchronized int unparkedMeanwhile() {
        return unparked.size();
    }

    synchronized int neverParked() {
        return neverParked;
    }
}
