package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Feeds built to cost us: nesting that overflows recursive parsers, values of megabytes. */
class HostileFeedParserTest {

    static final Source SOURCE = new Source("Hostile", List.of(URI.create("https://h.example/rss")), "x", "US", "c", "b");
    static final URI URL = URI.create("https://h.example/rss");

    private final FeedParser parser = new FeedParser();

    private ParsedFeed parse(String xml) throws FeedParseException {
        return parser.parse(xml.getBytes(StandardCharsets.UTF_8), "application/rss+xml", URL, SOURCE, Instant.EPOCH);
    }

    static String rss(String items) {
        return "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>h</title>"
                + "<link>https://h.example/</link>" + items + "</channel></rss>";
    }

    @Test
    void deeplyNestedMarkupIsRefusedAsThatFeedsErrorNotAStackOverflow() {
        String deep = "<media:group>".repeat(50_000) + "</media:group>".repeat(50_000);
        FeedParseException e = assertThrows(FeedParseException.class,
                () -> parse(rss("<item><title>t</title><link>https://h.example/1</link>" + deep + "</item>")));
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
    }

    @Test
    void mediaGroupsNestedWithinTheLimitStillGiveTheirImage() throws Exception {
        String nested = "<media:group>".repeat(100) + "<media:thumbnail url=\"https://h.example/a.jpg\"/>"
                + "</media:group>".repeat(100);
        Article a = parse(rss("<item><title>t</title><link>https://h.example/1</link>" + nested + "</item>"))
                .articles().get(0);
        assertEquals("https://h.example/a.jpg", a.image());
    }

    @Test
    void deeplyNestedHtmlInsideADescriptionCostsNothing() throws Exception {
        String html = "&lt;div&gt;".repeat(100_000) + "deep text";
        Article a = parse(rss("<item><title>t</title><link>https://h.example/1</link><description>" + html
                + "</description></item>")).articles().get(0);
        assertTrue(a.description().length() <= FeedTextLimits.DESCRIPTION);
    }

    @Test
    void megabyteValuesAreCutOrDropped() throws Exception {
        String huge = "w".repeat(5 * 1024 * 1024);
        String longUrl = "https://h.example/" + "p".repeat(FeedTextLimits.URL);
        ParsedFeed feed = parse("<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>"
                + huge + "</title><link>" + longUrl + "</link><item><title>" + huge + "</title><link>" + longUrl
                + "</link><guid>" + huge + "</guid><description>" + huge + "</description>"
                + "<media:thumbnail url=\"" + longUrl + ".jpg\"/></item></channel></rss>");
        assertTrue(feed.title().length() <= FeedTextLimits.TITLE);
        assertNull(feed.link());
        Article a = feed.articles().get(0);
        assertTrue(a.title().length() <= FeedTextLimits.TITLE, "title " + a.title().length());
        assertTrue(a.description().length() <= FeedTextLimits.DESCRIPTION);
        assertNull(a.link(), "a too long link is dropped");
        assertNull(a.image(), "a too long image URL is dropped");
        assertTrue(a.key().startsWith("sha256:") && a.key().length() <= FeedTextLimits.KEY, a.key());
        assertTrue(feed.problems().stream().anyMatch(p -> p.contains("not an http(s) URL")), feed.problems().toString());
    }
}
