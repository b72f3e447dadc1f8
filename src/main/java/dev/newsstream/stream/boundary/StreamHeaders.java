package dev.newsstream.stream.boundary;

import jakarta.servlet.http.HttpServletResponse;

/** Headers every event stream needs to pass through caches and buffering proxies untouched. */
final class StreamHeaders {
    private StreamHeaders() {
    }

    static void apply(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx buffers proxied responses unless told not to
    }
}
