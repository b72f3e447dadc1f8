package dev.newsstream.ingest.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.http.Problem;
import dev.newsstream.ingest.control.FetchCoordinator;
import dev.newsstream.store.entity.SourceReport;
import dev.newsstream.store.control.ArticleStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /debug/source/{name}}: fetches one source now (joining a fetch already in flight) and
 * shows what came back. The request thread is released at once; the answer comes when the fetch ends.
 */
@Path("debug/source")
@Produces(MediaType.APPLICATION_JSON)
public class DebugSourceResource {

    public record SourceDebug(String source, List<UrlReport> urls, List<Article> firstEntries, int cachedArticles,
                              SourceReport stats) {
    }

    @Inject
    SourceCatalog catalog;

    @Inject
    FetchCoordinator coordinator;

    @Inject
    ArticleStore store;

    @Inject
    FetchLimits limits;

    @GET
    @Path("{name}")
    public void debug(@PathParam("name") String name, @Suspended AsyncResponse response) {
        Source source = catalog.byName(name).orElseThrow(() -> Problem.notFound("Unknown source '" + name + "'"));
        CompletableFuture<SourceFetch> fetch = coordinator.fetchWithDetails(source, "debug-" + UUID.randomUUID());
        long budget = limits.totalTimeout().multipliedBy(source.urls().size()).plusSeconds(5).toMillis();
        response.setTimeout(budget, TimeUnit.MILLISECONDS);
        response.setTimeoutHandler(r -> {
            fetch.cancel(true);
            r.resume(Problem.response(Response.Status.GATEWAY_TIMEOUT, "fetching " + name + " took too long"));
        });
        fetch.whenComplete((details, error) -> {
            if (error != null) {
                response.resume(Problem.response(Response.Status.BAD_GATEWAY, "fetch failed: " + error.getMessage()));
                return;
            }
            response.resume(new SourceDebug(source.name(), details.urls(), details.sample(),
                    store.articlesOf(source.name()).size(), SourceReport.of(store.state(source))));
        });
    }
}
