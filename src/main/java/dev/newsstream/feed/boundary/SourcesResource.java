package dev.newsstream.feed.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Source;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** {@code GET /news/sources} and {@code GET /news/categories}: the configured sources as the original app listed them. */
@Path("news")
@Produces(MediaType.APPLICATION_JSON)
public class SourcesResource {

    public record SourceView(String name, String url, String category, String country, String fundingType,
                             String biasRating) {
        static SourceView of(Source s) {
            return new SourceView(s.name(), s.firstUrl().toString(), s.category(), s.country(), s.fundingType(),
                    s.biasRating());
        }
    }

    @Inject
    SourceCatalog catalog;

    @GET
    @Path("sources")
    public List<SourceView> sources() {
        return catalog.all().stream().map(SourceView::of).toList();
    }

    @GET
    @Path("categories")
    public Map<String, List<String>> categories() {
        return Map.of("categories", catalog.categories());
    }
}
