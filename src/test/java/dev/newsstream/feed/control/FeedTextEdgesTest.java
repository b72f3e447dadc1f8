package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The edges of what leaves the parser: a cap reached exactly or by one, a cut that would split a surrogate
 * pair, markup that only looks nested, URLs a browser accepts and java.net.URI does not, pages that are
 * walls and not feeds, and network ranges at their prefix bounds.
 */
class FeedTextEdgesTest {

    private static final String EMOJI = "\uD83D\uDE00"; // one code point, two chars

    @Test
    void aPreviewIsCutAtAWordNearTheLimitOrInsideOneEnormousWordButNeverInsideACharacter() {
        assertEquals("twenty characters ok", PlainText.truncate("twenty characters ok", 20), "exactly the limit stays whole");
        assertEquals("fifteen chars a…", PlainText.truncate("fifteen chars a bbbbbbbbbbbbbbbbbbbbbbbb", 20),
                "a space at three quarters of the limit is still a word boundary");
        assertEquals("fourteen char abbbbb…", PlainText.truncate("fourteen char abbbbbbbbbbbbbbbbbbbbb", 20),
                "a space before three quarters of the limit is too far back: the word is cut");
        assertEquals("a".repeat(19) + "…", PlainText.truncate("a".repeat(19) + EMOJI + "tail", 20),
                "a pair across the limit goes whole to the cut side");
        assertEquals("a".repeat(18) + EMOJI + "…", PlainText.truncate("a".repeat(18) + EMOJI + "tail", 20));
        assertEquals("abcdefghijklmnop…", PlainText.truncate("abcdefghijklmnop, qrstuvwxyz and more", 20),
                "no comma or space before the ellipsis");
        assertEquals("…", PlainText.truncate(",,,,,,,,,,", 4), "nothing but punctuation leaves nothing");
    }

    @Test
    void markupIsMeasuredBySpansThatReallyOpenElements() {
        assertFalse(MarkupDepth.exceeds("<a><", 5), "a trailing '<' opens nothing");
        assertFalse(MarkupDepth.exceeds("<a><!--><b><b><b>--></a>", 2), "'<!-->' does not end the comment it opens");
        assertFalse(MarkupDepth.exceeds("<a><!--<b>--></a>", 1), "a tag inside a comment's end is the comment's");
        assertFalse(MarkupDepth.exceeds("<!DOCTYPE rss><rss><channel/></rss>", 1), "a declaration is no element");
        assertTrue(MarkupDepth.exceeds("<!DOCTYPE rss><rss><channel><item/></channel></rss>", 1));
        assertFalse(MarkupDepth.exceeds("<a b=\"x>\"><c d='>'/></a>", 1), "'>' inside quotes ends no tag");
        assertTrue(MarkupDepth.exceeds("<a b=\"x\"><c d='y'></c></a>", 1));
        assertFalse(MarkupDepth.exceeds("<a><b></b><b></b></a>", 2));
        assertTrue(MarkupDepth.exceeds("<a><b><c></c></b></a>", 2));
    }

    @Test
    void textLimitsHoldExactlyAtTheirBound() {
        assertEquals("abcde", FeedTextLimits.cut("abcde", 5));
        assertEquals("abc…", FeedTextLimits.cut("abcdef", 4));
        assertEquals("ab…", FeedTextLimits.cut("ab" + EMOJI + "xyz", 4), "never half a pair");
        assertEquals("…", FeedTextLimits.cut("abc", 1));
        assertEquals(FeedTextLimits.ERROR, FeedTextLimits.error("e".repeat(1000)).length());
        assertEquals("short", FeedTextLimits.error("short"));

        String key = "k".repeat(FeedTextLimits.KEY);
        assertEquals(key, FeedTextLimits.key(key), "a key of exactly the limit is kept");
        assertTrue(FeedTextLimits.key(key + "k").startsWith("sha256:"));

        String etag = "\"" + "e".repeat(FeedTextLimits.ETAG - 2) + "\"";
        assertEquals(etag, FeedTextLimits.etag(etag));
        assertNull(FeedTextLimits.etag(etag + "x"));
        assertEquals("W/\"a b~\"", FeedTextLimits.etag("W/\"a b~\""), "space and tilde are visible ASCII");
        assertNull(FeedTextLimits.etag("\"a\u001fb\""));
        assertNull(FeedTextLimits.etag("\"a\u007fb\""));
        assertNull(FeedTextLimits.lastModified(""));
        String date = "Tue, 01 Dec 2026 10:00:00 GMT";
        assertEquals(date, FeedTextLimits.lastModified(date));
        assertEquals("x".repeat(FeedTextLimits.LAST_MODIFIED), FeedTextLimits.lastModified("x".repeat(FeedTextLimits.LAST_MODIFIED)));
        assertNull(FeedTextLimits.lastModified("x".repeat(FeedTextLimits.LAST_MODIFIED + 1)));

        String html = "h".repeat(FeedTextLimits.HTML_INPUT + 5);
        assertEquals(FeedTextLimits.HTML_INPUT, FeedTextLimits.htmlInput(html).length());
    }

    @Test
    void urlsWithSpacesOrNonAsciiAreEscapedAsABrowserWouldAndOtherSchemesDropped() {
        assertEquals("http://example.com/a%20b/%C3%A9t%C3%A9%7Bx%7D", WebUrls.httpUrl("http://example.com/a b/été{x}", null));
        assertEquals("https://example.com/p%22q%3C%3E%5C%5E%60%7C", WebUrls.httpUrl("https://example.com/p\"q<>\\^`|", null));
        assertEquals("http://example.com/x%7F", WebUrls.httpUrl("http://example.com/x\u007f", null));
        assertEquals("http://example.com/ok-_.~!$&'()*+,;=:@", WebUrls.httpUrl("http://example.com/ok-_.~!$&'()*+,;=:@", null),
                "what a URI allows is left alone");
        assertEquals("http://a.example/b", WebUrls.httpUrl("b", URI.create("http://a.example")));
        assertEquals("http://a.example/dir/b%20c", WebUrls.httpUrl("b c", URI.create("http://a.example/dir/feed")));
        assertNull(WebUrls.httpUrl("javascript:alert(1)", null));
        assertNull(WebUrls.httpUrl("FTP://example.com/file", null));
        assertEquals("HTTPS://example.com/", WebUrls.httpUrl("HTTPS://example.com/", null));
        assertNull(WebUrls.httpUrl("relative/only", null));
        assertNull(WebUrls.httpUrl("   ", URI.create("http://a.example/")));
        assertNull(WebUrls.httpUrl("http://[broken", null), "not a URL even escaped");
    }

    @Test
    void aWallIsAnHtmlPageThatAsksForALoginOrAHuman() {
        byte[] challenge = "<html><body>Checking your browser before accessing</body></html>".getBytes(StandardCharsets.UTF_8);
        assertTrue(BotWall.isWall(challenge, null), "its own markup says HTML");
        assertTrue(BotWall.isWall("<!DOCTYPE html><p>Just a moment...</p>".getBytes(StandardCharsets.UTF_8), "text/plain"));
        assertTrue(BotWall.isWall("<p>Please sign in</p>".getBytes(StandardCharsets.UTF_8), "Text/HTML; charset=utf-8"),
                "or its content type does");
        assertFalse(BotWall.isWall("<p>Please sign in</p>".getBytes(StandardCharsets.UTF_8), "application/xml"),
                "login words outside an HTML page are not a wall");
        assertFalse(BotWall.isWall("<html><body>An ordinary page</body></html>".getBytes(StandardCharsets.UTF_8), "text/html"));
        assertFalse(BotWall.isWall(new byte[0], "text/html"));
        assertFalse(BotWall.isWall(null, "text/html"));
        assertTrue(BotWall.isWallStatus(401) && BotWall.isWallStatus(403));
        assertFalse(BotWall.isWallStatus(404));
        assertEquals("blocked by the server: HTTP 403 Forbidden (a bot wall or a login)", BotWall.describe(403));
    }

    @Test
    void networkRangesHoldAtTheirPrefixBoundsAndABareAddressIsARangeOfOne() throws Exception {
        InternalNetworks one = InternalNetworks.parse(" 10.1.2.3 , ,fd00::1");
        assertTrue(one.isInternal(InetAddress.getByName("10.1.2.3")));
        assertFalse(one.isInternal(InetAddress.getByName("10.1.2.2")), "a bare IPv4 address is a /32");
        assertTrue(one.isInternal(InetAddress.getByName("fd00::1")));
        assertFalse(one.isInternal(InetAddress.getByName("fd00::2")), "a bare IPv6 address is a /128");
        InternalNetworks.parse("10.0.0.0/32");
        InternalNetworks.parse("::/128");
        InternalNetworks.parse("0.0.0.0/0");
        assertThrows(IllegalArgumentException.class, () -> InternalNetworks.parse("::/129"));
        assertThrows(IllegalArgumentException.class, () -> InternalNetworks.parse("10.0.0.0/-1"));
        assertThrows(IllegalArgumentException.class, () -> InternalNetworks.parse("10.0.0.0/x"));

        InternalNetworks defaults = InternalNetworks.parse(InternalNetworks.DEFAULT);
        InetAddress outside = InetAddress.getByName("93.184.216.34");
        assertFalse(defaults.anyInternal(new InetAddress[] {outside}));
        assertTrue(defaults.anyInternal(new InetAddress[] {outside, InetAddress.getByName("192.168.1.1")}),
                "one internal address among a name's answers is enough");
        assertFalse(defaults.anyInternal(new InetAddress[0]));
        assertTrue(defaults.isInternal(InetAddress.getByName("172.31.255.255")));
        assertFalse(defaults.isInternal(InetAddress.getByName("172.32.0.0")), "172.16.0.0/12 ends at 172.31");
        assertTrue(defaults.isInternal(InetAddress.getByName("100.127.0.1")));
        assertFalse(defaults.isInternal(InetAddress.getByName("100.128.0.1")));
        assertTrue(HostResolver.isLiteral("::1"));
        assertTrue(HostResolver.isLiteral("[::1]"));
        assertTrue(HostResolver.isLiteral("10.0.0.1"));
        assertFalse(HostResolver.isLiteral("example.com"));
    }
}
