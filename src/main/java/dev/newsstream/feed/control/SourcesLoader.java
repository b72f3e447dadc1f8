package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Source;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the sources file of the original app: an object keyed by display name, each value
 * {@code {"url": "..." | [...], "category", "country", "funding_type", "bias_rating", "consolidate"}}.
 * All or nothing: the first problem stops the load with a message naming file, source and problem.
 */
public final class SourcesLoader {

    static final String DEFAULT_CATEGORY = "general";

    private SourcesLoader() {
    }

    public static List<Source> load(String fileName, InputStream in) {
        JsonObject root = readRoot(fileName, in);
        Map<String, Source> sources = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> entry : root.entrySet()) {
            for (Source source : toSources(fileName, entry.getKey(), entry.getValue())) {
                if (sources.putIfAbsent(source.name(), source) != null) {
                    throw problem(fileName, source.name(), "the name is used twice", null);
                }
            }
        }
        return List.copyOf(sources.values());
    }

    /**
     * The sources one entry of the file's shape gives ({@code spec} is what the file has under the name):
     * for sources added at run time. Throws {@link SourcesFileException} naming the problem.
     */
    public static List<Source> fromSpec(String origin, String name, JsonValue spec) {
        return toSources(origin, name == null ? "" : name.trim(), spec);
    }

    private static JsonObject readRoot(String fileName, InputStream in) {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8); JsonReader json = Json.createReader(reader)) {
            JsonValue value = json.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new SourcesFileException("Sources file " + fileName
                        + ": expected a JSON object keyed by source name, found " + typeOf(value), null);
            }
            return value.asJsonObject();
        } catch (JsonException | IOException e) {
            throw new SourcesFileException("Sources file " + fileName + ": not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private static List<Source> toSources(String fileName, String name, JsonValue value) {
        if (name.isBlank()) throw problem(fileName, name, "the source name is empty", null);
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw problem(fileName, name, "expected an object, found " + typeOf(value), null);
        }
        JsonObject spec = value.asJsonObject();
        List<URI> urls = urls(fileName, name, spec.get("url"));
        String category = text(fileName, name, spec, "category");
        category = category.isBlank() ? DEFAULT_CATEGORY : category;
        String country = text(fileName, name, spec, "country");
        String funding = text(fileName, name, spec, "funding_type");
        String bias = text(fileName, name, spec, "bias_rating");
        if (urls.size() == 1 || consolidate(fileName, name, spec)) {
            return List.of(new Source(name, urls, category, country, funding, bias));
        }
        List<Source> split = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            split.add(new Source(name + " - " + (i + 1), List.of(urls.get(i)), category, country, funding, bias));
        }
        return split;
    }

    private static List<URI> urls(String fileName, String name, JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw problem(fileName, name, "has no \"url\"", null);
        }
        List<JsonValue> raw = switch (value.getValueType()) {
            case STRING -> List.of(value);
            case ARRAY -> value.asJsonArray();
            default -> throw problem(fileName, name, "\"url\" must be a string or a list of strings, found " + typeOf(value), null);
        };
        if (raw.isEmpty()) throw problem(fileName, name, "\"url\" is an empty list", null);
        List<URI> urls = new ArrayList<>();
        for (JsonValue item : raw) {
            if (item.getValueType() != JsonValue.ValueType.STRING) {
                throw problem(fileName, name, "\"url\" list holds " + typeOf(item) + ", expected strings", null);
            }
            urls.add(httpUrl(fileName, name, ((JsonString) item).getString()));
        }
        return urls;
    }

    private static URI httpUrl(String fileName, String name, String text) {
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw problem(fileName, name, "url '" + text + "' is not an http or https URL", null);
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw problem(fileName, name, "url '" + text + "' has no host", null);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw problem(fileName, name, "url '" + text + "' is not a valid URL: " + e.getReason(), e);
        }
    }

    private static String text(String fileName, String name, JsonObject spec, String field) {
        JsonValue value = spec.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) return "";
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw problem(fileName, name, "\"" + field + "\" must be a string, found " + typeOf(value), null);
        }
        return ((JsonString) value).getString().trim();
    }

    private static boolean consolidate(String fileName, String name, JsonObject spec) {
        JsonValue value = spec.get("consolidate");
        if (value == null || value == JsonValue.NULL || value == JsonValue.FALSE) return false;
        if (value == JsonValue.TRUE) return true;
        throw problem(fileName, name, "\"consolidate\" must be true or false, found " + typeOf(value), null);
    }

    private static SourcesFileException problem(String fileName, String name, String what, Throwable cause) {
        return new SourcesFileException("Sources file " + fileName + ": source '" + name + "': " + what, cause);
    }

    private static String typeOf(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
