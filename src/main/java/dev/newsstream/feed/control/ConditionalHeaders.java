package dev.newsstream.feed.control;

/** Validators remembered from the last successful fetch of a URL, sent back as If-None-Match / If-Modified-Since. */
public record ConditionalHeaders(String etag, String lastModified) implements java.io.Serializable {
    public static final ConditionalHeaders NONE = new ConditionalHeaders(null, null);
}
