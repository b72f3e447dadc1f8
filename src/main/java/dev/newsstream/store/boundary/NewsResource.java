package dev.newsstream.store.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.http.Problem;
import dev.newsstream.http.QueryParams;
import dev.newsstream.ingest.control.Politeness;
import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.ArticleQuery;
import dev.newsstream.store.entity.SourceReport;
import dev.newsstream.store.entity.SourceState;
import dev.newsstream.story.control.Stories;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON side of {@code /news}: cached articles and what is known of every source. Memory only. */
@Path("news")
@Produces(MediaType.APPLICATION_JSON)
public class NewsResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    public record NewsPage(List<Article> articles, int total, int limit, int offset) {
    }

    public record Selection(List<Article> articles, int total, List<String> sources) {
    }

    public record SourceView(String name, String url, String category, String country, String fundingType,
                             String biasRating) {
        static SourceView of(Source s) {
            return new SourceView(s.name(), s.firstUrl().toString(), s.category(), s.country(), s.fundingType(),
                    s.biasRating());
        }
    }

    public record SourcesStats(List<SourceReport> sources, int totalSources) {
    }

    @Inject
    ArticleStore store;

    @Inject
    SourceCatalog catalog;

    @Inject
    Politeness politeness;

    @Inject
    Stories stories;

    @GET
    public Object news(@QueryParam("category") String category, @QueryParam("source") String source,
                       @QueryParam("q") String q, @QueryParam("since") String since,
                       @QueryParam("limit") String limit, @QueryParam("offset") String offset,
                       @QueryParam("group") String group) {
        ArticleQuery query = new ArticleQuery(QueryParams.text("category", category, 200),
                QueryParams.text("source", source, 200), QueryParams.text("q", q, 200), QueryParams.instant("since", since));
        int pageSize = QueryParams.intIn("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        int skip = QueryParams.intIn("offset", offset, 0, 0, Integer.MAX_VALUE);
        String grouping = QueryParams.text("group", group, 20);
        if (grouping != null) {
            if (!grouping.equals("story")) throw Problem.badRequest("Parameter 'group' must be 'story' (or absent)");
            return stories.group(store.query(query), skip, pageSize); // one entry per story, with every source's article
        }
        ArticleStore.Page page = store.page(query, skip, pageSize);
        return new NewsPage(stories.decorate(page.articles()), page.total(), pageSize, skip);
    }

    @GET
    @Path("source/{name}")
    public Selection bySource(@PathParam("name") String name, @QueryParam("limit") String limit,
                              @QueryParam("offset") String offset) {
        Source source = catalog.byName(name).orElseThrow(() -> Problem.notFound("Unknown source '" + name + "'"));
        List<Article> all = store.articlesOf(source.name());
        return new Selection(stories.decorate(page(all, QueryParams.intIn("offset", offset, 0, 0, Integer.MAX_VALUE),
                QueryParams.intIn("limit", limit, MAX_LIMIT, 1, MAX_LIMIT))), all.size(), List.of(source.name()));
    }

    @GET
    @Path("category/{name}")
    public Selection byCategory(@PathParam("name") String name, @QueryParam("limit") String limit,
                                @QueryParam("offset") String offset) {
        ArticleStore.Page page = store.page(ArticleQuery.category(name),
                QueryParams.intIn("offset", offset, 0, 0, Integer.MAX_VALUE),
                QueryParams.intIn("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT));
        List<String> sources = catalog.inCategory(name).stream().map(Source::name).toList();
        return new Selection(stories.decorate(page.articles()), page.total(), sources);
    }

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

    @GET
    @Path("sources/stats")
    public SourcesStats stats() {
        Instant now = Instant.now();
        List<SourceReport> views = catalog.all().stream().map(s -> {
            SourceState state = store.state(s);
            return SourceReport.of(state, politeness.deferral(s, state, now).orElse(null));
        }).toList();
        return new SourcesStats(views, views.size());
    }

    private static List<Article> page(List<Article> all, int offset, int limit) {
        if (offset >= all.size()) return List.of();
        return List.copyOf(all.subList(offset, Math.min(all.size(), offset + limit)));
    }
}
