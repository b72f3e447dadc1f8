package dev.newsstream.ops.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Which request threads are busy with what, since when: the watchdog's view of "a request is stuck". */
@ApplicationScoped
public class RequestTracker {

    public record Busy(long id, String request, Thread thread, long startedNanos) {
        public Duration age() {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }
    }

    private final Map<Long, Busy> busy = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    public long begin(String request) {
        long id = ids.incrementAndGet();
        busy.put(id, new Busy(id, request, Thread.currentThread(), System.nanoTime()));
        return id;
    }

    public void end(long id) {
        busy.remove(id);
    }

    public Collection<Busy> busy() {
        return busy.values();
    }
}
