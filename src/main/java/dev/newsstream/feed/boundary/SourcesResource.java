package dev.newsstream.feed.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.control.SourceChanges;
import dev.newsstream.feed.control.SourcesFileException;
import dev.newsstream.feed.control.SourcesLoader;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.http.Problem;
import dev.newsstream.sources.control.SourceAdmin;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.StringReader;
import java.net.URI;
import java.util.List;

/**
 * {@code /sources}: the sources in the original app's listing shape; adding ({@code POST}) and removing
 * ({@code DELETE /sources/{name}}) them at run time, for the operator (see {@code AdminGuardFilter}).
 */
@Path("sources")
@Produces(MediaType.APPLICATION_JSON)
public class SourcesResource {

    static final int MAX_BODY_CHARS = 64 * 1024;

    /** {@code url} is a string, or the list of URLs of a consolidated source, as in the sources file. */
    public record SourceListing(String name, Object url, @JsonbProperty("rssUrl") String rssUrl, String category,
                                String country, String fundingType, String biasRating) {
        public static SourceListing of(Source s) {
            Object url = s.urls().size() == 1 ? s.firstUrl().toString() : s.urls().stream().map(URI::toString).toList();
            return new SourceListing(s.name(), url, s.firstUrl().toString(), s.category(), s.country(), s.fundingType(),
                    s.biasRating());
        }
    }

    public record Removed(String source, String articles, boolean fetchCancelled) {
    }

    @Inject
    SourceCatalog catalog;

    @Inject
    SourceAdmin admin;

    @GET
    public List<SourceListing> sources() {
        return catalog.all().stream().map(SourceListing::of).toList();
    }

    /**
     * Adds a source: {@code {"name": "...", "url": "..." | [...], "category", "country", "funding_type",
     * "bias_rating", "consolidate"}}, the sources file's shape with the name inside. 201 with the sources
     * added (a list of URLs without consolidate gives "name - 1", "name - 2"...), 400 for a bad body, 409
     * for a name or URL already there, 503 if the database did not take it.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response add(String body) {
        if (body == null || body.isBlank()) throw Problem.badRequest("expected a JSON object {\"name\": ..., \"url\": ...}");
        if (body.length() > MAX_BODY_CHARS) throw Problem.badRequest("the body is larger than " + MAX_BODY_CHARS + " characters");
        JsonObject spec;
        try {
            JsonValue value = Json.createReader(new StringReader(body)).readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) throw Problem.badRequest("expected a JSON object");
            spec = value.asJsonObject();
        } catch (JsonParsingException e) {
            throw Problem.badRequest("not valid JSON: " + e.getMessage());
        } catch (JsonException e) {
            throw Problem.badRequest("not valid JSON: " + e.getMessage());
        }
        JsonValue name = spec.get("name");
        if (!(name instanceof JsonString text) || text.getString().isBlank()) {
            throw Problem.badRequest("\"name\" must be a non-empty string");
        }
        List<Source> sources;
        try {
            sources = SourcesLoader.fromSpec("(request)", text.getString(), spec);
        } catch (SourcesFileException e) {
            throw Problem.badRequest(e.getMessage().replaceFirst("^Sources file \\(request\\): ", ""));
        }
        try {
            admin.add(sources);
        } catch (IllegalArgumentException e) {
            return Problem.response(Response.Status.CONFLICT, e.getMessage());
        } catch (SourceChanges.SourceStorageException e) {
            return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "not added: " + e.getMessage());
        }
        URI location = UriBuilder.fromPath("/news/source/{name}").build(sources.get(0).name());
        return Response.created(location).entity(sources.stream().map(SourceListing::of).toList()).build();
    }

    /**
     * Removes a source: its fetch in flight is cancelled; {@code articles=keep} (default) leaves its
     * articles, {@code articles=drop} deletes them and its fetch state. 404 if unknown.
     */
    @DELETE
    @Path("{name}")
    public Response remove(@PathParam("name") String name, @QueryParam("articles") String articles) {
        String mode = articles == null || articles.isBlank() ? "keep" : articles.trim();
        if (!mode.equals("keep") && !mode.equals("drop")) {
            throw Problem.badRequest("articles must be 'keep' or 'drop', not '" + articles + "'");
        }
        try {
            return admin.remove(name, mode.equals("drop"))
                    .map(r -> Response.ok(new Removed(r.source(), r.articlesDropped() ? "dropped" : "kept",
                            r.fetchCancelled())).build())
                    .orElseThrow(() -> Problem.notFound("Unknown source '" + name + "'"));
        } catch (SourceChanges.SourceStorageException e) {
            return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "not removed: " + e.getMessage());
        }
    }
}
