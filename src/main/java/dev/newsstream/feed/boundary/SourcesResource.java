package dev.newsstream.feed.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Source;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.List;

/** {@code GET /sources}: the configured sources in the original app's listing shape. */
@Path("sources")
@Produces(MediaType.APPLICATION_JSON)
public class SourcesResource {

    /** {@code url} is a string, or the list of URLs of a consolidated source, as in the sources file. */
    public record SourceListing(String name, Object url, @JsonbProperty("rssUrl") String rssUrl, String category,
                                String country, String fundingType, String biasRating) {
        static SourceListing of(Source s) {
            Object url = s.urls().size() == 1 ? s.firstUrl().toString() : s.urls().stream().map(URI::toString).toList();
            return new SourceListing(s.name(), url, s.firstUrl().toString(), s.category(), s.country(), s.fundingType(),
                    s.biasRating());
        }
    }

    @Inject
    SourceCatalog catalog;

    @GET
    public List<SourceListing> sources() {
        return catalog.all().stream().map(SourceListing::of).toList();
    }
}
