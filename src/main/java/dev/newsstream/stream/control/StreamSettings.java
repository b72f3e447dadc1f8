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

    /** A household or an office behind one NAT shares an address; one host cannot take the whole cap. */
    @Inject
    @ConfigProperty(name = "newsstream.stream.max-per-address", defaultValue = "50")
    int maxPerAddress;

    @Inject
    @ConfigProperty(name = "newsstream.stream.heartbeat", defaultValue = "250ms")
    Duration heartbeat;

    @Inject
    @ConfigProperty(name = "newsstream.stream.buffer", defaultValue = "256")
    int buffer;

    /** Outbox, the container's write queue and the socket send buffer together; see SseChannel. */
    @Inject
    @ConfigProperty(name = "newsstream.stream.max-client-bytes", defaultValue = "1048576")
    long maxClientBytes;

    /** SO_SNDBUF asked for each stream's socket (Linux doubles it and stops growing it to megabytes). */
    @Inject
    @ConfigProperty(name = "newsstream.stream.send-buffer", defaultValue = "65536")
    int sendBuffer;

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

    /**
     * Where the kernel's connection table cannot be read (see {@link ConnectionTableWatch}): how often each
     * open stream's socket is asked whether the client has closed it (a non-blocking read that sees the end
     * of the stream). An idle live stream writes only every live heartbeat and a write reveals a vanished
     * client only at its second or third attempt; this finds it without any traffic. Zero turns it off.
     */
    @Inject
    @ConfigProperty(name = "newsstream.stream.disconnect-probe", defaultValue = "5s")
    Duration disconnectProbe;

    /**
     * How often the kernel's connection table is read, in one pass for every stream, for clients whose
     * receive window is closed (they stopped reading while our send buffer still takes their bytes) and for
     * clients that have left. Linux only; zero turns it off (each socket is then probed instead). The kernel
     * writes the whole table for each read (about 70 ms of CPU for 20,000 connections here), hence not more
     * often: a client that left is let go within this long, one that stopped reading within the write
     * deadline plus this long.
     */
    @Inject
    @ConfigProperty(name = "newsstream.stream.connection-check", defaultValue = "5s")
    Duration connectionCheck;

    @Inject
    @ConfigProperty(name = "newsstream.stream.max-lifetime", defaultValue = "30m")
    Duration maxLifetime;

    @Inject
    @ConfigProperty(name = "newsstream.stream.writer-threads", defaultValue = "16")
    int writerThreads;

    @Inject
    @ConfigProperty(name = "newsstream.stream.writer-queue", defaultValue = "100000")
    int writerQueue;

    public int writerThreads() {
        return writerThreads;
    }

    public int writerQueue() {
        return writerQueue;
    }

    public Duration liveHeartbeat() {
        return liveHeartbeat;
    }

    public Duration connectionCheck() {
        return connectionCheck == null ? Duration.ofSeconds(5) : connectionCheck;
    }

    /** Zero turns the probe off. */
    public Duration disconnectProbe() {
        return disconnectProbe == null ? Duration.ofSeconds(5) : disconnectProbe;
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

    public long maxClientBytes() {
        return maxClientBytes;
    }

    public int sendBuffer() {
        return sendBuffer;
    }

    public int maxPerAddress() {
        return maxPerAddress;
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
