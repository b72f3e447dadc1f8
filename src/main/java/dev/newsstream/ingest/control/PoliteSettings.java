package dev.newsstream.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The knobs of polite fetching: per-host limits, host pauses, feed hints, the refresh's spread. */
@ApplicationScoped
public class PoliteSettings {

    @Inject
    @ConfigProperty(name = "newsstream.fetch.max-per-host", defaultValue = "2")
    int maxPerHost;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.host-pause-after", defaultValue = "2")
    int hostPauseAfter;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.host-pause-max", defaultValue = "24h")
    Duration hostPauseMax;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.hint-max", defaultValue = "1h")
    Duration hintMax;

    @Inject
    @ConfigProperty(name = "newsstream.ingest.host-spread", defaultValue = "120s")
    Duration hostSpread;

    /** Fetches of one host in flight at once (at least 1). */
    public int maxPerHost() {
        return Math.max(1, maxPerHost);
    }

    /** How many of a host's feeds must answer 429/503 with Retry-After before the whole host pauses (at least 1). */
    public int hostPauseAfter() {
        return Math.max(1, hostPauseAfter);
    }

    public Duration hostPauseMax() {
        return hostPauseMax;
    }

    public Duration hintMax() {
        return hintMax;
    }

    public Duration hostSpread() {
        return hostSpread.isNegative() ? Duration.ZERO : hostSpread;
    }
}
