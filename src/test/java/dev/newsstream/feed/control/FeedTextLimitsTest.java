package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FeedTextLimitsTest {

    @Test
    void textIsCutToItsMaximumWithAnEllipsisNeverSplittingASurrogatePair() {
        assertEquals("short", FeedTextLimits.cut("short", 10));
        String cut = FeedTextLimits.cut("x".repeat(5_000_000), FeedTextLimits.TITLE);
        assertEquals(FeedTextLimits.TITLE, cut.length());
        assertTrue(cut.endsWith("…"));
        String emoji = "ab" + "\uD83D\uDE00".repeat(10);
        String cutEmoji = FeedTextLimits.cut(emoji, 6);
        assertFalse(Character.isHighSurrogate(cutEmoji.charAt(cutEmoji.length() - 2)), cutEmoji);
        assertTrue(cutEmoji.length() <= 6);
    }

    @Test
    void tooLongUrlsAreDroppedNotCut() {
        String ok = "https://example.org/" + "a".repeat(FeedTextLimits.URL - 20);
        assertEquals(ok, FeedTextLimits.url(ok));
        assertNull(FeedTextLimits.url(ok + "b"));
    }

    @Test
    void validatorsAreDroppedWhenTooLongOrNotAValidHeader() {
        assertEquals("\"v1\"", FeedTextLimits.etag("\"v1\""));
        assertNull(FeedTextLimits.etag("\"" + "e".repeat(FeedTextLimits.ETAG) + "\""));
        assertNull(FeedTextLimits.etag("a\nb"));
        assertNull(FeedTextLimits.etag("caf\u00e9"));
        assertEquals("Fri, 20 Nov 2026 12:00:00 GMT", FeedTextLimits.lastModified("Fri, 20 Nov 2026 12:00:00 GMT"));
        assertNull(FeedTextLimits.lastModified("x".repeat(FeedTextLimits.LAST_MODIFIED + 1)));
    }

    @Test
    void aLongKeyBecomesItsHashSoDistinctKeysStayDistinct() {
        String a = "urn:" + "k".repeat(10_000) + "a";
        String b = "urn:" + "k".repeat(10_000) + "b";
        assertTrue(FeedTextLimits.key(a).startsWith("sha256:"));
        assertEquals(71, FeedTextLimits.key(a).length());
        assertNotEquals(FeedTextLimits.key(a), FeedTextLimits.key(b));
        assertEquals(FeedTextLimits.key(a), FeedTextLimits.key(a));
        assertEquals("guid-1", FeedTextLimits.key("guid-1"));
    }
}
