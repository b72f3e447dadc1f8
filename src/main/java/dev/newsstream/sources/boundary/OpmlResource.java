package dev.newsstream.sources.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.sources.control.Opml;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.time.Instant;

/** {@code GET /sources.opml}: the current sources as OPML 2.0, one outline per category. */
@Path("sources.opml")
public class OpmlResource {

    static final String OPML = "text/x-opml";

    @Inject
    SourceCatalog catalog;

    @GET
    @Produces({OPML + ";charset=utf-8", "application/xml;charset=utf-8", "text/xml;charset=utf-8", "*/*"})
    public Response export() {
        return Response.ok(Opml.write(catalog.all(), Instant.now()))
                .type(OPML + ";charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"newsstream-sources.opml\"")
                .build();
    }
}
