package dev.newsstream.feed.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The documented maximum of every string a feed or a feed server hands us (docs/security.md, "Size of
 * what a feed can make us keep"). Text is cut, URLs and validators are dropped, a too long identity is
 * replaced by its hash (so two long GUIDs that share a prefix stay two articles). Applied where the
 * string leaves the parser or the fetcher, so memory, frames and the database only ever see capped values;
 * the fetch's byte cap bounds what it costs before that.
 */
public final class FeedTextLimits {

    /** Article and feed titles, in characters (plain text). */
    public static final int TITLE = 500;
    /** Article descriptions: a preview, in characters (plain text). */
    public static final int DESCRIPTION = 500;
    /** Article links, image URLs and feed links, in characters; a longer URL is dropped, never cut. */
    public static final int URL = 2048;
    /** An article's identity (GUID, else link, else title and date); longer ones become {@code sha256:<hex>}. */
    public static final int KEY = 2048;
    /** ETag; a longer one is dropped (no conditional GET next time), never cut. */
    public static final int ETAG = 512;
    /** Last-Modified (an HTTP date is 29 characters); a longer one is dropped. */
    public static final int LAST_MODIFIED = 100;
    /** One error or warning text of one URL, in characters. */
    public static final int ERROR = 300;
    /** A source's whole {@code error_message} (all its URLs' errors and warnings together). */
    public static final int ERROR_MESSAGE = 1000;
    /**
     * Raw HTML handed to jsoup for one title or description: a title or preview needs the first few
     * thousand characters, so a multi-megabyte value costs no parse of its own.
     */
    public static final int HTML_INPUT = 64 * 1024;

    private static final String ELLIPSIS = "…";

    private FeedTextLimits() {
    }

    /** {@code text} cut to at most {@code max} characters (ellipsis included), never inside a surrogate pair. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) return text;
        int end = max - ELLIPSIS.length();
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) end--;
        return text.substring(0, Math.max(0, end)) + ELLIPSIS;
    }

    /** A URL as it is, or null when it is longer than {@link #URL}: a cut URL would lead somewhere else. */
    public static String url(String url) {
        return url == null || url.length() > URL ? null : url;
    }

    /** An ETag, or null when absent, longer than {@link #ETAG} or not a single line of visible ASCII. */
    public static String etag(String etag) {
        return validator(etag, ETAG);
    }

    /** A Last-Modified date, or null when absent, longer than {@link #LAST_MODIFIED} or not visible ASCII. */
    public static String lastModified(String lastModified) {
        return validator(lastModified, LAST_MODIFIED);
    }

    private static String validator(String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) return null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) return null; // we send it back as a header: it must be a valid one
        }
        return value;
    }

    /** An article key, or {@code sha256:<hex>} of it when longer than {@link #KEY}: still unique, still stable. */
    public static String key(String key) {
        if (key == null || key.length() <= KEY) return key;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One error or warning text. */
    public static String error(String message) {
        return cut(message, ERROR);
    }

    /** Raw HTML before jsoup sees it (see {@link #HTML_INPUT}). */
    static String htmlInput(String html) {
        return html == null || html.length() <= HTML_INPUT ? html : html.substring(0, HTML_INPUT);
    }
}
