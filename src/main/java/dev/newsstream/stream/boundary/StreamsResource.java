package dev.newsstream.stream.boundary;

import dev.newsstream.stream.control.InitialFrames;
import dev.newsstream.stream.control.SourceFrames;
import dev.newsstream.stream.control.StreamRegistry;
import dev.newsstream.stream.control.StreamSession;
import dev.newsstream.stream.control.StreamWriters;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import java.util.TreeMap;

/** {@code GET /debug/streams}: what every open stream is doing, read from counters only. */
@Path("debug/streams")
@Produces(MediaType.APPLICATION_JSON)
public class StreamsResource {

    public record StreamView(String status, int sourcesCompleted, int totalSources, double durationSeconds,
                             boolean clientConnected, long pendingFetches, boolean live, long lastEventId,
                             int queuedFrames, long pinnedBytes, boolean parked, long parkedMs) {
        static StreamView of(StreamSession s, long nowNanos) {
            return new StreamView(s.phase(), s.sourcesCompleted(), s.totalSources(),
                    Math.round(s.age().toMillis() / 100.0) / 10.0, s.clientConnected(), s.pendingFetches(), s.live(),
                    s.cursor(), s.channel().queued(), s.channel().pinnedBytes(), s.channel().parked(),
                    s.channel().parkedMillis(nowNanos));
        }
    }

    /**
     * {@code initial_frames_serialised} and {@code source_frames_serialised} count how often those frames'
     * shared JSON was made: once per cache version and once per fetch result, however many streams got it.
     * {@code taken_at_ms} is the server's monotonic clock when the streams were read: it means nothing alone,
     * but the difference between two answers is the time between them, on the server (a stream's
     * {@code parked_ms} and two answers place its release to within their interval; bench/ParkWatch).
     */
    public record StreamsView(long takenAtMs, int activeStreams, long totalStreamsCreated, long initialFramesSerialised,
                              long sourceFramesSerialised, int writerQueue, Map<String, StreamView> streams) {
    }

    @Inject
    StreamRegistry registry;

    @Inject
    InitialFrames initials;

    @Inject
    SourceFrames results;

    @Inject
    StreamWriters writers;

    @GET
    public StreamsView streams() {
        Map<String, StreamView> streams = new TreeMap<>();
        long now = System.nanoTime();
        registry.sessions().forEach(s -> streams.put(s.id(), StreamView.of(s, now)));
        return new StreamsView(now / 1_000_000, streams.size(), registry.created(), initials.serialised(), results.serialised(),
                writers.queued(), streams);
    }
}
