package dev.newsstream.stream.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code newsstream.stream.*} knobs. */
@ApplicationScoped
public class StreamSettings {

    @Inject
    @ConfigProperty(name = "newsstream.stream.max-active", defaultValue = "2000")
    int maxActive;

    @Inject
    @ConfigProperty(name = "newsstream.stream.heartbeat", defaultValue = "250ms")
    Duration heartbeat;

    @Inject
    @ConfigProperty(name = "newsstream.stream.buffer", defaultValue = "256")
    int buffer;

    @Inject
    @ConfigProperty(name = "newsstream.stream.write-timeout", defaultValue = "10s")
    Duration writeTimeout;

    @Inject
    @ConfigProperty(name = "newsstream.stream.retry", defaultValue = "3s")
    Duration retry;

    @Inject
    @ConfigProperty(name = "newsstream.stream.articles-per-event", defaultValue = "20")
    int articlesPerEvent;

    @Inject
    @ConfigProperty(name = "newsstream.stream.initial-articles", defaultValue = "200")
    int initialArticles;

    @Inject
    @ConfigProperty(name = "newsstream.stream.live-heartbeat", defaultValue = "15s")
    Duration liveHeartbeat;

    @Inject
    @ConfigProperty(name = "newsstream.stream.max-lifetime", defaultValue = "30m")
    Duration maxLifetime;

    public Duration liveHeartbeat() {
        return liveHeartbeat;
    }

    /** The lifetime of one live stream, ±10 %, so streams opened together do not all reconnect together. */
    public Duration jitteredLifetime() {
        double factor = 0.9 + java.util.concurrent.ThreadLocalRandom.current().nextDouble() * 0.2;
        return Duration.ofMillis((long) (maxLifetime.toMillis() * factor));
    }

    public int initialArticles() {
        return initialArticles;
    }

    public int maxActive() {
        return maxActive;
    }

    public Duration heartbeat() {
        return heartbeat;
    }

    public int buffer() {
        return buffer;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    public Duration retry() {
        return retry;
    }

    public int articlesPerEvent() {
        return articlesPerEvent;
    }
}
