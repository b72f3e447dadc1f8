package dev.newsstream.web.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.stream.control.StreamRegistry;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /}: the reader page for browsers, and for API clients (JSON, or no preference) what this
 * service is and where to go next. Answers from memory only.
 */
@Path("/")
public class RootResource {

    @Context
    ServletContext servlet;

    /** qs=0.5: a client that accepts anything gets JSON; only one that asks for HTML gets the page. */
    @GET
    @Produces("text/html;qs=0.5")
    public Response page() {
        return PageResource.file(servlet, "/index.html", MediaType.TEXT_HTML + "; charset=utf-8");
    }

    public record Info(String name, String description, String status, int sources, int activeStreams,
                       List<String> endpoints, Instant timestamp) {
    }

    static final List<String> ENDPOINTS = List.of(
            "GET /news/stream?category=&use_cache=&live=&last_event_id= (text/event-stream)",
            "GET /news?category=&source=&q=&since=&limit=&offset=", "GET /news/source/{name}",
            "GET /news/category/{name}", "GET /news/sources", "GET /news/sources/stats", "GET /news/categories",
            "GET /sources", "POST /cache/refresh", "POST /cache/refresh/stream (text/event-stream)",
            "GET /cache/status", "GET /debug/streams", "GET /debug/executor", "GET /debug/threads",
            "GET /debug/source/{name}", "GET /health", "GET /health/live", "GET /health/ready",
            "GET /health/started", "GET /metrics", "GET /openapi");

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
