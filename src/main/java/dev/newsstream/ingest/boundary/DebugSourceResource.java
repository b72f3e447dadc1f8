package dev.newsstream.ingest.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceFetch;
import dev.newsstream.feed.entity.UrlReport;
import dev.newsstream.feed.entity.FetchLimits;
import dev.newsstream.http.BooleanParam;
import dev.newsstream.http.Problem;
import dev.newsstream.ingest.control.FetchCoordinator;
import dev.newsstream.store.entity.SourceReport;
import dev.newsstream.store.control.ArticleStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /debug/source/{name}}: fetches one source now (joining a fetch already in flight) and
 * shows what came back. The request thread is released at once; the answer comes when the fetch ends.
 * Like every other fetch it respects {@code newsstream.fetch.min-interval} and the source's back-off
 * (then it answers from the cache and says why it did not fetch) unless asked with {@code ?force=true};
 * only a caller the debug guard let in (loopback or the token) gets this far at all.
 */
@Path("debug/source")
@Produces(MediaType.APPLICATION_JSON)
public class DebugSourceResource {

    /** {@code fetched} false: nothing was fetched, for the reason in {@code notFetched}; the entries are the cache's. */
    public record SourceDebug(String source, boolean fetched, String notFetched, List<UrlReport> urls,
                              List<Article> firstEntries, int cachedArticles, SourceReport stats) {
    }

    static final int SAMPLE_SIZE = 10;

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
    public void debug(@PathParam("name") String name, @QueryParam("force") BooleanParam force,
                      @Suspended AsyncResponse response) {
        Source source = catalog.byName(name).orElseThrow(() -> Problem.notFound("Unknown source '" + name + "'"));
        Optional<String> tooSoon = force != null && force.value() ? Optional.empty() : coordinator.tooSoon(source, Instant.now());
        if (tooSoon.isPresent()) {
            List<Article> cached = store.articlesOf(source.name());
            response.resume(new SourceDebug(source.name(), false, tooSoon.get() + "; add ?force=true to fetch anyway",
                    List.of(), cached.stream().limit(SAMPLE_SIZE).toList(), cached.size(), SourceReport.of(store.state(source))));
            return;
        }
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
            response.resume(new SourceDebug(source.name(), true, null, details.urls(), details.sample(),
                    store.articlesOf(source.name()).size(), SourceReport.of(store.state(source))));
        });
    }
}
