package dev.newsstream.feed.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Resolves the URL strings found in feeds, which are often relative or not quite valid URIs. */
final class WebUrls {

    private static final String HEX = "0123456789ABCDEF";

    private WebUrls() {
    }

    /**
     * The absolute http(s) URL that {@code raw} denotes relative to {@code base}, or null. Other schemes
     * (javascript:, data:, file:...) are dropped because clients put these URLs into href and src attributes.
     */
    static String httpUrl(String raw, URI base) {
        URI uri = resolve(raw, base);
        if (uri == null || uri.getHost() == null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? uri.toString() : null;
    }

    static URI resolve(String raw, URI base) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        URI reference = parseLeniently(raw.strip());
        if (reference == null || reference.isAbsolute()) {
            return reference;
        }
        if (base == null || base.isOpaque()) {
            return null;
        }
        // URI.resolve glues "b" onto "http://a.example" as "http://a.exampleb" when the base has no path.
        URI directory = base.getRawPath() == null || base.getRawPath().isEmpty() ? base.resolve("/") : base;
        try {
            return directory.resolve(reference);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Browsers accept spaces and non-ASCII characters in URLs, java.net.URI does not: escape them first. */
    private static URI parseLeniently(String raw) {
        try {
            return new URI(raw);
        } catch (URISyntaxException e) {
            try {
                return new URI(escapeIllegalCharacters(raw));
            } catch (URISyntaxException stillInvalid) {
                return null;
            }
        }
    }

    private static String escapeIllegalCharacters(String raw) {
        StringBuilder escaped = new StringBuilder(raw.length() + 16);
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c <= 0x20 || c >= 0x7F || "\"<>\\^`{|}".indexOf(c) >= 0) {
                escaped.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
            } else {
                escaped.append((char) c);
            }
        }
        return escaped.toString();
    }
}
