package dev.newsstream.sources.boundary;

import dev.newsstream.http.Problem;
import dev.newsstream.sources.control.AdminSettings;
import dev.newsstream.sources.control.ImportJob;
import dev.newsstream.sources.control.ImportJobs;
import dev.newsstream.sources.control.OpmlException;
import dev.newsstream.sources.entity.ImportReport;
import dev.newsstream.stream.control.SseChannel;
import dev.newsstream.stream.control.StreamRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * OPML import: {@code POST /sources/import} with the file as the body starts a background import (202,
 * {@code Location} of its report); {@code GET /sources/import/{id}} is the report, {@code .../events} its
 * progress as server-sent events. Only starting one changes the sources (see {@code AdminGuardFilter}).
 */
@Path("sources/import")
public class ImportResource {

    @Inject
    ImportJobs imports;

    @Inject
    AdminSettings settings;

    @Inject
    StreamRegistry registry;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response start(InputStream body) {
        byte[] opml = readCapped(body, settings.importMaxBytes());
        ImportJob job;
        try {
            job = imports.start(opml);
        } catch (OpmlException e) {
            throw Problem.badRequest(e.getMessage());
        }
        return Response.accepted(job.report())
                .location(UriBuilder.fromPath("/sources/import/{id}").build(job.id()))
                .header("Link", "</sources/import/" + job.id() + "/events>; rel=\"events\"")
                .build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ImportReport report(@PathParam("id") String id) {
        return find(id).report();
    }

    /** {@code import_status} (the report so far), one {@code feed} per feed checked, then {@code import_complete}. */
    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        ImportJob job = find(id);
        Consumer<ImportJob.Event>[] listener = new Consumer[1];
        SseChannel channel = registry.openChannel(registry.newStreamId(), sink, sse, reason -> {
            if (listener[0] != null) job.unsubscribe(listener[0]);
        });
        listener[0] = event -> {
            if ("import_complete".equals(event.name())) channel.sendLast(event.name(), event.sequence(), event.data());
            else channel.send(event.name(), event.sequence(), event.data());
        };
        job.subscribe(listener[0]);
    }

    private ImportJob find(String id) {
        return imports.job(id).orElseThrow(() -> Problem.notFound("Unknown import '" + id + "'"));
    }

    /** The body, refused past the cap without reading it all (a 400 saying so). */
    static byte[] readCapped(InputStream body, int max) {
        if (body == null) throw Problem.badRequest("post the OPML file as the request body");
        try (InputStream in = body) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) throw Problem.badRequest("the OPML file is larger than " + max + " bytes");
            return bytes;
        } catch (IOException e) {
            throw Problem.badRequest("the OPML file could not be read: " + e.getMessage());
        }
    }
}
