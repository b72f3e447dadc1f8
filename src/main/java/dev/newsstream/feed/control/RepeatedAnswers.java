package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last parse of each source's URL, kept with a digest of the answer it came from: an answer that repeats the
 * last one byte for byte costs a digest (~0.1 ms for 40 KB), not a parse (ROME, jsoup: milliseconds). Feed servers
 * without {@code ETag} or {@code Last-Modified}, fetches forced past them ({@code use_cache=false}, a refresh) and
 * many streams fetching the same sources at once all send the same bytes again; FreshRSS skips an unchanged feed
 * by its hash the same way.
 *
 * <p>Reusing a parse keeps the publication time given to entries without a date: the time they were first seen,
 * which is what it stands for. A failed parse is not kept (the next answer is parsed). At most {@link #MAX_KEPT}
 * parses are kept: past that, the memory is dropped and filled again from the next fetches.
 */
final class RepeatedAnswers {

    static final int MAX_KEPT = 10_000;

    private record Kept(Source source, String contentType, byte[] digest, ParsedFeed feed, Duration hint) {
    }

    /** A parse and the refresh hint the document itself gave (ttl, sy:updatePeriod). */
    record Parsed(ParsedFeed feed, Duration hint, boolean reused) {
    }

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    /** What {@code parser} makes of {@code body}, or what it made of the same bytes from the same URL last time. */
    Parsed parse(FeedParser parser, byte[] body, String contentType, URI url, Source source, Instant fetchedAt) throws FeedParseException {
        byte[] digest = digest(body == null ? new byte[0] : body);
        String key = source.name() + '\n' + url;
        Kept last = kept.get(key);
        if (last != null && last.source().equals(source) && Objects.equals(last.contentType(), contentType)
                && MessageDigest.isEqual(last.digest(), digest)) {
            return new Parsed(last.feed(), last.hint(), true);
        }
        ParsedFeed feed = parser.parse(body, contentType, url, source, fetchedAt);
        Duration hint = FeedHints.fromDocument(body);
        if (kept.size() >= MAX_KEPT) kept.clear(); // sources come and go; their last parses need not stay
        kept.put(key, new Kept(source, contentType, digest, feed, hint));
        return new Parsed(feed, hint, false);
    }

    private static byte[] digest(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
