package dev.newsstream.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code newsstream.ingest.*}, {@code newsstream.fetch.min-interval} and {@code newsstream.cache.*} knobs. */
@ApplicationScoped
public class IngestSettings {

    @Inject
    @ConfigProperty(name = "newsstream.ingest.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "newsstream.ingest.initial-delay", defaultValue = "5s")
    Duration initialDelay;

    @Inject
    @ConfigProperty(name = "newsstream.ingest.interval", defaultValue = "600s")
    Duration interval;

    @Inject
    @ConfigProperty(name = "newsstream.ingest.backoff-base", defaultValue = "1h")
    Duration backoffBase;

    @Inject
    @ConfigProperty(name = "newsstream.ingest.backoff-max", defaultValue = "4h")
    Duration backoffMax;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.min-interval", defaultValue = "10s")
    Duration minInterval;

    @Inject
    @ConfigProperty(name = "newsstream.cache.fresh-for", defaultValue = "120s")
    Duration freshFor;

    public boolean enabled() {
        return enabled;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration interval() {
        return interval;
    }

    public Duration minInterval() {
        return minInterval;
    }

    public Duration freshFor() {
        return freshFor;
    }

    /** 1st failure: base, then doubling, never past the cap; a server's Retry-After wins if longer; 24 h at most. */
    public Duration backoff(int consecutiveFailures, Duration retryAfter) {
        return new Backoff(backoffBase, backoffMax).delay(consecutiveFailures, retryAfter);
    }
}
