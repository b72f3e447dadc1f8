package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MarkupDepthTest {

    static String nested(int depth) {
        return "<a>".repeat(depth) + "</a>".repeat(depth);
    }

    @Test
    void depthIsCountedOverStartAndEndTags() {
        assertFalse(MarkupDepth.exceeds(nested(3), 3));
        assertTrue(MarkupDepth.exceeds(nested(4), 3));
        assertFalse(MarkupDepth.exceeds("<a><b/><b/><b/><b/></a>", 2));
        assertFalse(MarkupDepth.exceeds("<a><b></b><b></b><b></b></a>", 2));
    }

    @Test
    void commentsCdataProcessingInstructionsAndQuotedAttributesDoNotCount() {
        String xml = "<?xml version=\"1.0\"?><!-- <x><x><x> --><a title=\"<b><b>\" t='/>'>"
                + "<![CDATA[<x><x><x><x>]]><b/></a>";
        assertFalse(MarkupDepth.exceeds(xml, 2));
    }

    @Test
    void aMillionLevelsAreFoundWithoutRecursion() {
        assertTrue(MarkupDepth.exceeds(nested(1_000_000), MarkupDepth.MAX));
        assertFalse(MarkupDepth.exceeds("<rss><channel>" + "<item><title>t</title></item>".repeat(10_000)
                + "</channel></rss>", MarkupDepth.MAX));
    }

    @Test
    void unterminatedMarkupIsLeftToTheXmlParser() {
        assertFalse(MarkupDepth.exceeds("<a><b", 5));
        assertFalse(MarkupDepth.exceeds("<a><!-- never ends", 5));
    }
}
