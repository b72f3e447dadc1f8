package dev.newsstream.feed.control;

import java.util.Locale;

/**
 * The first thing in a document after the prolog, comments and processing instructions. Looking at it
 * before ROME does lets the parser refuse DOCTYPEs without depending on the XML parser honouring
 * {@code disallow-doctype-decl}, and name what arrived instead of a feed (an HTML page, plain text...).
 */
record DocumentStart(Kind kind, String name, String snippet) {

    enum Kind { EMPTY, DOCTYPE, ELEMENT, NOT_MARKUP, UNCLEAR }

    private static final int SNIPPET_LENGTH = 40;

    static DocumentStart of(String text) {
        int i = 0;
        while (true) {
            i = skipWhitespace(text, i);
            if (i == text.length()) {
                return new DocumentStart(Kind.EMPTY, null, "");
            }
            if (text.startsWith("<?", i)) {
                i = after(text, i, "?>");
            } else if (text.startsWith("<!--", i)) {
                i = after(text, i, "-->");
            } else if (text.regionMatches(true, i, "<!DOCTYPE", 0, 9)) {
                return new DocumentStart(Kind.DOCTYPE, nameAt(text, skipWhitespace(text, i + 9)), snippet(text, i));
            } else if (text.startsWith("<", i) && i + 1 < text.length() && isNameStart(text.charAt(i + 1))) {
                return new DocumentStart(Kind.ELEMENT, nameAt(text, i + 1), snippet(text, i));
            } else if (text.charAt(i) == '<') {
                return new DocumentStart(Kind.UNCLEAR, null, snippet(text, i));
            } else {
                return new DocumentStart(Kind.NOT_MARKUP, null, snippet(text, i));
            }
            if (i < 0) {
                // An unterminated comment or PI: the XML parser describes that better than we can.
                return new DocumentStart(Kind.UNCLEAR, null, "");
            }
        }
    }

    /** Both {@code <!DOCTYPE html>} and a bare {@code <html>} root mean someone served a web page. */
    boolean isHtml() {
        return (kind == Kind.DOCTYPE || kind == Kind.ELEMENT) && "html".equals(localName());
    }

    String localName() {
        if (name == null) {
            return null;
        }
        return name.substring(name.indexOf(':') + 1).toLowerCase(Locale.ROOT);
    }

    private static int skipWhitespace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int after(String text, int from, String terminator) {
        int end = text.indexOf(terminator, from);
        return end < 0 ? -1 : end + terminator.length();
    }

    private static String nameAt(String text, int i) {
        int end = i;
        while (end < text.length() && isNameChar(text.charAt(end))) {
            end++;
        }
        return text.substring(i, end);
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || Character.isDigit(c) || c == '-' || c == '.';
    }

    private static String snippet(String text, int i) {
        String s = text.substring(i, Math.min(text.length(), i + SNIPPET_LENGTH)).replaceAll("\\s+", " ");
        return i + SNIPPET_LENGTH < text.length() ? s + "…" : s;
    }
}
