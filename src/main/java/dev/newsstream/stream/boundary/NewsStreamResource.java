package dev.newsstream.stream.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.stream.control.StreamRegistry;
import dev.newsstream.http.BooleanParam;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/** {@code GET /news/stream}: opens a stream and returns at once; the fetches run on the feed executor. */
@Path("news/stream")
public class NewsStreamResource {

    @Inject
    StreamRegistry registry;

    @Inject
    SourceCatalog catalog;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@QueryParam("category") String category,
                       @QueryParam("use_cache") @DefaultValue("true") BooleanParam useCache,
                       @Context SseEventSink sink, @Context Sse sse, @Context HttpServletResponse response) {
        String id = registry.newStreamId();
        StreamHeaders.apply(response);
        response.setHeader("X-Stream-ID", id);
        registry.open(id, catalog.inCategory(category), useCache.value(), sink, sse);
    }
}
