package dev.newsstream.ops.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one {@code /debug/threads} dump per {@code newsstream.debug.threads-interval} for the whole
 * server, whoever asks: a dump stops every thread at a safepoint and walks every stack, so a script
 * polling it in a loop would slow the very server it is meant to diagnose.
 */
@ApplicationScoped
public class ThreadDumpThrottle {

    @Inject
    OpsSettings settings;

    private final AtomicLong lastDump = new AtomicLong();

    @PostConstruct
    void init() {
        lastDump.set(System.nanoTime() - settings.threadsInterval().toNanos() - 1); // the first one may go at once
    }

    /** Empty when a dump may run now (and claims the slot), else how long until the next may. */
    public Optional<Duration> claim() {
        long interval = settings.threadsInterval().toNanos();
        while (true) {
            long now = System.nanoTime();
            long last = lastDump.get();
            long since = now - last;
            if (since < interval) return Optional.of(Duration.ofNanos(interval - since));
            if (lastDump.compareAndSet(last, now)) return Optional.empty();
        }
    }
}
