package dev.newsstream.feed.control;

import com.rometools.rome.io.XmlReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Turns the raw response body into the text of the XML document, before any XML parsing happens. */
final class FeedBytes {

    private FeedBytes() {
    }

    /**
     * A byte order mark (or the UTF-16 form of {@code <?}) decides the encoding, as the XML specification says;
     * otherwise ROME's rules apply: Content-Type charset and XML prolog, leniently, so a wrong or missing header
     * never makes a feed unreadable. Whitespace before the first '<' is dropped.
     */
    static String decode(byte[] body, String contentType) throws FeedParseException {
        Signature signature = Signature.of(body);
        if (signature != null) {
            // Not through XmlReader: in lenient mode it lets encoding="UTF-16" in the prolog override the BOM's
            // byte order and reads little-endian documents as big-endian.
            return withoutLeadingWhitespace(new String(body, signature.length, body.length - signature.length,
                    signature.charset));
        }
        int start = skipWhitespace(body);
        // ROME's fallback for "text/xml" without charset is US-ASCII (RFC 3023), which garbles every
        // non-ASCII character of the many feeds that are served that way and really are UTF-8.
        try (XmlReader reader = new XmlReader(new ByteArrayInputStream(body, start, body.length - start),
                contentType, true, StandardCharsets.UTF_8.name())) {
            StringWriter text = new StringWriter(body.length);
            reader.transferTo(text);
            return text.toString();
        } catch (UnsupportedEncodingException e) {
            throw new FeedParseException("unsupported character encoding: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FeedParseException("unreadable feed body: " + e.getMessage(), e);
        }
    }

    /**
     * ROME only finds the encoding in a prolog that starts the stream, and the XML parser rejects anything
     * before {@code <?xml}; yet PHP templates that print a newline first are common. Only dropped when markup
     * follows, so anything else reaches ROME untouched and its diagnosis stays accurate.
     */
    private static int skipWhitespace(byte[] body) {
        int i = 0;
        while (i < body.length && isXmlWhitespace(body[i])) {
            i++;
        }
        return i == body.length || body[i] == '<' ? i : 0;
    }

    private static String withoutLeadingWhitespace(String text) {
        int i = 0;
        while (i < text.length() && isXmlWhitespace(text.charAt(i))) {
            i++;
        }
        return i == text.length() || text.charAt(i) == '<' ? text.substring(i) : text;
    }

    private static boolean isXmlWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** The first bytes that fix the encoding regardless of headers; {@code length} bytes of them are not text. */
    private record Signature(Charset charset, int length) {

        static Signature of(byte[] b) {
            if (startsWith(b, 0xEF, 0xBB, 0xBF)) {
                return new Signature(StandardCharsets.UTF_8, 3);
            }
            if (startsWith(b, 0xFE, 0xFF)) {
                return new Signature(StandardCharsets.UTF_16BE, 2);
            }
            if (startsWith(b, 0xFF, 0xFE)) {
                return new Signature(StandardCharsets.UTF_16LE, 2);
            }
            if (startsWith(b, 0x00, '<', 0x00, '?')) {
                return new Signature(StandardCharsets.UTF_16BE, 0);
            }
            if (startsWith(b, '<', 0x00, '?', 0x00)) {
                return new Signature(StandardCharsets.UTF_16LE, 0);
            }
            return null;
        }

        private static boolean startsWith(byte[] b, int... prefix) {
            if (b.length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if ((b[i] & 0xFF) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
