package dev.newsstream.feed.entity;

import java.net.URI;
import java.time.Duration;

/**
 * What one HTTP fetch of a feed URL came to. Exactly one of three shapes: {@link Kind#OK} with the
 * decoded body, {@link Kind#NOT_MODIFIED} (a 304 to a conditional request), or {@link Kind#FAILED}
 * with a {@link FailureReason} and a message a person understands ("timed out after 20 s").
 */
public record FetchOutcome(Kind kind, URI url, int httpStatus, byte[] body, String contentType, String etag,
                           String lastModified, Duration retryAfter, FailureReason reason, String error,
                           Duration maxAge) {

    public enum Kind { OK, NOT_MODIFIED, FAILED }

    /** Why a fetch failed; also the label of the failure metric. */
    public enum FailureReason { TIMEOUT, TOO_LARGE, HTTP_STATUS, NETWORK, REDIRECTS, PARSE,
        /** A 401/403 or a login/bot-check page instead of the feed: the server keeps us out, the feed is not broken. */
        BLOCKED }

    public FetchOutcome(Kind kind, URI url, int httpStatus, byte[] body, String contentType, String etag,
                        String lastModified, Duration retryAfter, FailureReason reason, String error) {
        this(kind, url, httpStatus, body, contentType, etag, lastModified, retryAfter, reason, error, null);
    }

    /** The same outcome with the server's {@code Cache-Control: max-age} (null: none). */
    public FetchOutcome withMaxAge(Duration maxAge) {
        return new FetchOutcome(kind, url, httpStatus, body, contentType, etag, lastModified, retryAfter, reason, error,
                maxAge);
    }

    public static FetchOutcome ok(URI url, int status, byte[] body, String contentType, String etag, String lastModified) {
        return new FetchOutcome(Kind.OK, url, status, body, contentType, etag, lastModified, null, null, null);
    }

    public static FetchOutcome notModified(URI url, String etag, String lastModified) {
        return new FetchOutcome(Kind.NOT_MODIFIED, url, 304, null, null, etag, lastModified, null, null, null);
    }

    public static FetchOutcome failed(URI url, FailureReason reason, String error) {
        return failed(url, 0, reason, error, null);
    }

    public static FetchOutcome failed(URI url, int status, FailureReason reason, String error, Duration retryAfter) {
        return new FetchOutcome(Kind.FAILED, url, status, null, null, null, null, retryAfter, reason, error);
    }

    public boolean failed() {
        return kind == Kind.FAILED;
    }
}
