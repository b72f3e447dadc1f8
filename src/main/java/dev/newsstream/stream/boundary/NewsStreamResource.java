package dev.newsstream.stream.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.stream.control.StreamRegistry;
import dev.newsstream.http.BooleanParam;
import jakarta.inject.Inject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.DefaultValue;
import dev.newsstream.stream.entity.StreamRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

    static final String EVENTS = """
            Server-Sent Events; every frame's data is one JSON object whose `status` is also the SSE event name:
            `initial` {stream_id, articles, source_stats, cache_age_seconds, message} when the cache has articles;
            `starting` {stream_id, message, active_streams};
            `source_complete` {stream_id, source, articles (first 20), source_stat, progress} per source;
            `source_error` {stream_id, source, error, progress} if a source's task failed;
            `complete` {stream_id, message, total_articles, successful_sources, failed_sources, progress, duration_ms,
            cache_age_seconds}; with live=true the stream then stays open and sends `article` {article} per new article;
            `resync` {stream_id, message} when a Last-Event-ID cannot be resumed (a full `initial` follows);
            `error` {stream_id, error} or, over the stream cap or the cap per client address, {message} and the stream ends.
            Heartbeat comments keep the connection open; every frame's id is a position in the arrival log
            (send it back as Last-Event-ID to resume) and the first frame has a retry hint.""";

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Stream news of every source (or one category) as it is fetched", description = EVENTS)
    @APIResponse(responseCode = "200", description = "An event stream; see the description for its frames",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS))
    @APIResponse(responseCode = "400", description = "A bad query parameter: {\"detail\": \"...\"}")
    public void stream(@Parameter(description = "Only sources of this exact category") @QueryParam("category") String category,
                       @QueryParam("use_cache") @DefaultValue("true") BooleanParam useCache,
                       @Parameter(description = "Stay open after complete and push each new article as an `article` event")
                       @QueryParam("live") @DefaultValue("false") BooleanParam live,
                       @Parameter(description = "Resume after this event id (EventSource sends it as the Last-Event-ID header)")
                       @QueryParam("last_event_id") String lastEventIdParam,
                       @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                       @Context SseEventSink sink, @Context Sse sse, @Context HttpServletRequest servletRequest,
                       @Context HttpServletResponse response) {
        String id = registry.newStreamId();
        StreamHeaders.apply(response);
        response.setHeader("X-Stream-ID", id);
        String lastEventId = lastEventIdHeader != null && !lastEventIdHeader.isBlank() ? lastEventIdHeader : lastEventIdParam;
        StreamRequest request = new StreamRequest(category, useCache.value(), live.value(), lastEventId);
        registry.open(id, request, servletRequest, catalog.inCategory(category), sink, sse);
    }
}
