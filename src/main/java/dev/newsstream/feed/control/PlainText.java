package dev.newsstream.feed.control;

import org.jsoup.Jsoup;

/**
 * Feed titles and descriptions are HTML more often than not, escaped once or twice, and sometimes hostile.
 * Everything leaves the parser as plain text so no client ever has to trust feed markup.
 */
final class PlainText {

    private static final String ELLIPSIS = "…";

    private PlainText() {
    }

    /** Entities decoded, tags (and the contents of script/style) dropped, whitespace collapsed; "" for null. */
    static String fromHtml(String html) {
        if (html == null || html.isBlank()) {
            return "";
        }
        // A body fragment, not a document: a stray <title> or <meta> in a description stays where it is.
        return Jsoup.parseBodyFragment(FeedTextLimits.htmlInput(html)).body().text().strip();
    }

    /**
     * Shortens to at most {@code max} characters plus an ellipsis, at the last word boundary when there is
     * one reasonably close; the text is a preview, the link leads to the full article.
     */
    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = text.lastIndexOf(' ', max);
        if (cut < max * 3 / 4) {
            // One enormous "word" (a URL, CJK text without spaces): cut it rather than lose most of the preview.
            cut = max;
            if (Character.isLowSurrogate(text.charAt(cut)) && Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--;
            }
        }
        return stripTrailingPunctuation(text.substring(0, cut)) + ELLIPSIS;
    }

    private static String stripTrailingPunctuation(String s) {
        int end = s.length();
        while (end > 0 && (Character.isWhitespace(s.charAt(end - 1)) || ",;:-–—".indexOf(s.charAt(end - 1)) >= 0)) {
            end--;
        }
        return s.substring(0, end);
    }
}
