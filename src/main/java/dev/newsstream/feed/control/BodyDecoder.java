package dev.newsstream.feed.control;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Undoes {@code Content-Encoding} (the JDK client never does) and counts bytes after decompression,
 * so a small gzip bomb is stopped at the same cap as a large plain body.
 */
final class BodyDecoder {

    static final class TooLargeException extends IOException {
        TooLargeException() {
            super("decoded body larger than cap");
        }
    }

    private BodyDecoder() {
    }

    static byte[] decode(byte[] raw, String contentEncoding, long cap) throws IOException {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (encoding) {
            case "", "identity" -> raw;
            case "gzip", "x-gzip" -> readCapped(new GZIPInputStream(new ByteArrayInputStream(raw)), cap);
            case "deflate" -> inflate(raw, cap);
            default -> throw new IOException("unsupported Content-Encoding '" + contentEncoding + "'");
        };
    }

    /** "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: accept both. */
    private static byte[] inflate(byte[] raw, long cap) throws IOException {
        try {
            return readCapped(new InflaterInputStream(new ByteArrayInputStream(raw)), cap);
        } catch (TooLargeException e) {
            throw e;
        } catch (IOException zlibFailed) {
            return readCapped(new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(true)), cap);
        }
    }

    private static byte[] readCapped(InputStream in, long cap) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (out.size() + (long) n > cap) throw new TooLargeException();
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }
}
