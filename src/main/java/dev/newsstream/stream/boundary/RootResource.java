package dev.newsstream.stream.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.stream.control.StreamRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** {@code GET /}: what this service is and where to go next; answers from memory only. */
@Path("/")
public class RootResource {

    public record Info(String name, String description, String status, int sources, int activeStreams,
                       List<String> endpoints, Instant timestamp) {
    }

    static final List<String> ENDPOINTS = List.of(
            "GET /news/stream?category=&use_cache= (text/event-stream)",
            "GET /news/sources", "GET /news/categories", "GET /debug/streams",
            "GET /health", "GET /health/live", "GET /health/ready", "GET /health/started");

    @Inject
    SourceCatalog catalog;

    @Inject
    StreamRegistry registry;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Info info() {
        return new Info("newsstream", "News from RSS/Atom sources, streamed over Server-Sent Events", "ok",
                catalog.all().size(), registry.activeCount(), ENDPOINTS, Instant.now());
    }
}
