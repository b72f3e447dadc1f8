package dev.newsstream.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Small blocking HTTP helpers for system tests; every call has a timeout so a hung server fails the test. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    public static HttpResponse<String> get(URI uri) {
        return get(uri, "application/json", Duration.ofSeconds(10));
    }

    public static HttpResponse<String> get(URI uri, String accept, Duration timeout) {
        return send(HttpRequest.newBuilder(uri).header("Accept", accept).timeout(timeout).GET().build());
    }

    public static HttpResponse<String> post(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        }
    }

    public static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    public static JsonObject jsonBody(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    public static JsonStructure jsonAny(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).read();
    }

    /** POST /cache/refresh and wait until that refresh has finished. */
    public static void refreshAndWait(java.util.function.Function<String, URI> uri) throws InterruptedException {
        long runs = getJson(uri.apply("/cache/status")).getInt("update_count");
        HttpResponse<String> started = post(uri.apply("/cache/refresh"));
        if (!"started".equals(json(started).getString("status"))) throw new AssertionError("refresh not started: " + started.body());
        if (!Wait.waitFor(() -> getJson(uri.apply("/cache/status")).getInt("update_count") > runs, Duration.ofSeconds(120))) {
            throw new AssertionError("refresh did not finish: " + getJson(uri.apply("/cache/status")));
        }
    }

    public static JsonObject getJson(URI uri) {
        HttpResponse<String> response = get(uri);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return json(response);
    }
}
