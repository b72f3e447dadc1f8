package dev.newsstream.testing;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;

/** Builds a sources file in the original app's JSON shape. */
public final class SourcesJson {

    private final JsonObjectBuilder root = Json.createObjectBuilder();

    public SourcesJson add(String name, URI url, String category) {
        root.add(name, Json.createObjectBuilder()
                .add("url", url.toString())
                .add("category", category)
                .add("country", "US")
                .add("funding_type", "Commercial")
                .add("bias_rating", "Center"));
        return this;
    }

    public SourcesJson addConsolidated(String name, String category, URI... urls) {
        var list = Json.createArrayBuilder();
        for (URI url : urls) list.add(url.toString());
        root.add(name, Json.createObjectBuilder().add("url", list).add("category", category).add("consolidate", true));
        return this;
    }

    public String json() {
        return root.build().toString();
    }
}
