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
 * first shows it parked (its frames wait for a client that takes nothing) to the moment it is gone: the
 * release the write deadline promises per client, which "last connect to all released" cannot show when the
 * server needs seconds to fill 2,000 clients' buffers. The poll's period bounds the error either way.
 */
final class ParkWatch {

    static final Duration EVERY = Duration.ofMillis(500);

    private final Server server;
    private final Map<String, Long> parkedSince = new HashMap<>();
    private final Map<String, Long> seen = new HashMap<>();
    private final List<Long> releaseAfterPark = new ArrayList<>();
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
        while (running) {
            try {
                long now = System.nanoTime();
                Map<String, JsonValue> streams = server.getJson("/debug/streams").getJsonObject("streams");
                synchronized (this) {
                    for (Map.Entry<String, JsonValue> e : streams.entrySet()) {
                        seen.put(e.getKey(), now);
                        JsonObject view = e.getValue().asJsonObject();
                        if (view.getBoolean("parked", false)) parkedSince.putIfAbsent(e.getKey(), now);
                        else if (parkedSince.containsKey(e.getKey())) unparked.add(e.getKey());
                    }
                    for (String id : List.copyOf(seen.keySet())) {
                        if (streams.containsKey(id)) continue;
                        seen.remove(id);
                        Long parked = parkedSince.remove(id);
                        if (parked == null) neverParked++;
                        else releaseAfterPark.add(now - parked);
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

    synchronized Stats releaseAfterPark() {
        return releaseAfterPark.isEmpty() ? null : new Stats(releaseAfterPark);
    }

    synchronized int released() {
        return releaseAfterPark.size();
    }

    /** Stalled clients seen parked and later, still held, not parked: their write deadline started over. */
    synchronized int unparkedMeanwhile() {
        return unparked.size();
    }

    synchronized int neverParked() {
        return neverParked;
    }
}
