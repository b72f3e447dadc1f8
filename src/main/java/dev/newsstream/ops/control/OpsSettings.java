package dev.newsstream.ops.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code newsstream.health.*}, {@code newsstream.watchdog.*} and {@code newsstream.debug.*} knobs. */
@ApplicationScoped
public class OpsSettings {

    @Inject
    @ConfigProperty(name = "newsstream.health.hung-after", defaultValue = "60s")
    Duration hungAfter;

    @Inject
    @ConfigProperty(name = "newsstream.health.max-queued-fetches", defaultValue = "500")
    int maxQueuedFetches;

    @Inject
    @ConfigProperty(name = "newsstream.debug.stack-after", defaultValue = "10s")
    Duration stackAfter;

    @Inject
    @ConfigProperty(name = "newsstream.watchdog.interval", defaultValue = "5s")
    Duration watchdogInterval;

    @Inject
    @ConfigProperty(name = "newsstream.watchdog.request-threshold", defaultValue = "10s")
    Duration slowRequest;

    @Inject
    @ConfigProperty(name = "newsstream.debug.enabled", defaultValue = "true")
    boolean debugEnabled;

    @Inject
    @ConfigProperty(name = "newsstream.debug.token")
    Optional<String> debugToken;

    @Inject
    @ConfigProperty(name = "newsstream.debug.threads-interval", defaultValue = "1s")
    Duration threadsInterval;

    public Duration hungAfter() {
        return hungAfter;
    }

    public int maxQueuedFetches() {
        return maxQueuedFetches;
    }

    public Duration stackAfter() {
        return stackAfter;
    }

    public Duration watchdogInterval() {
        return watchdogInterval;
    }

    public Duration slowRequest() {
        return slowRequest;
    }

    public Duration threadsInterval() {
        return threadsInterval;
    }

    public boolean debugEnabled() {
        return debugEnabled;
    }

    public Optional<String> debugToken() {
        return debugToken.filter(t -> !t.isBlank());
    }
}
