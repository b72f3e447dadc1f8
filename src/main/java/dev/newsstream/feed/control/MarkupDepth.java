package dev.newsstream.feed.control;

/**
 * How deeply a document's elements nest, found by one linear pass without recursion. ROME and JDOM
 * build and copy elements recursively, so a feed nested a few thousand levels deep overflows the
 * stack of whatever thread parses it; checking first bounds that to "this feed is refused".
 */
final class MarkupDepth {

    /** Far more than any real feed (RSS with Media RSS groups stays under 10), far less than a stack holds. */
    static final int MAX = 256;

    private MarkupDepth() {
    }

    /** True when some element of {@code xml} sits deeper than {@code max} levels. */
    static boolean exceeds(String xml, int max) {
        int depth = 0;
        int n = xml.length();
        int i = xml.indexOf('<');
        while (i >= 0 && i < n - 1) {
            char next = xml.charAt(i + 1);
            int end;
            if (xml.startsWith("<!--", i)) {
                end = indexAfter(xml, "-->", i + 4);
            } else if (xml.startsWith("<![CDATA[", i)) {
                end = indexAfter(xml, "]]>", i + 9);
            } else if (next == '?') {
                end = indexAfter(xml, "?>", i + 2);
            } else if (next == '!') {
                end = indexAfter(xml, ">", i + 2);
            } else if (next == '/') {
                depth--;
                end = indexAfter(xml, ">", i + 2);
            } else {
                end = endOfStartTag(xml, i + 1);
                if (end < 0) return false; // unterminated: the XML parser says what is wrong
                if (xml.charAt(end - 2) != '/' && ++depth > max) return true;
            }
            if (end < 0) return false;
            i = xml.indexOf('<', end);
        }
        return false;
    }

    /** Index just past the {@code >} that ends a start tag, skipping quoted attribute values; -1 if none. */
    private static int endOfStartTag(String xml, int from) {
        char quote = 0;
        for (int i = from; i < xml.length(); i++) {
            char c = xml.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i + 1;
            }
        }
        return -1;
    }

    private static int indexAfter(String xml, String token, int from) {
        int at = xml.indexOf(token, from);
        return at < 0 ? -1 : at + token.length();
    }
}
