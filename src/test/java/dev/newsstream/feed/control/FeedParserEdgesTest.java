package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the parser picks when a feed offers several candidates: the site's link rather than the feed's own,
 * the page rather than the enclosure, the first description with text, the media that is an image; and how
 * it reads the start of a document that may not be a feed at all.
 */
class FeedParserEdgesTest {

    private static final Instant FETCHED_AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final Source SOURCE = new Source("Edge News", List.of(URI.create("https://edge.example/feed")),
            "world", "US", "public", "center");

    private final FeedParser parser = new FeedParser();

    private ParsedFeed parse(String xml) throws FeedParseException {
        return parser.parse(xml.getBytes(StandardCharsets.UTF_8), "application/xml", URI.create("https://edge.example/feed"),
                SOURCE, FETCHED_AT);
    }

    private static String rss(String items) {
        return "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel>"
                + "<title>Edge</title><link>https://edge.example/</link>" + items + "</channel></rss>";
    }

    private static String item(String title, String rest) {
        return "<item><title>" + title + "</title><link>https://edge.example/" + title + "</link>"
                + "<pubDate>Tue, 01 Dec 2026 09:00:00 GMT</pubDate>" + rest + "</item>";
    }

    private static Article byTitle(ParsedFeed feed, String title) {
        return feed.articles().stream().filter(a -> a.title().equals(title)).findFirst().orElseThrow();
    }

    @Test
    void anAtomFeedLinksToItsSiteAndItsEntriesToTheirPagesNotToTheFeedOrTheMedia() throws Exception {
        ParsedFeed feed = parse("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom Edge</title>"
                + "<link rel=\"self\" href=\"https://edge.example/feed\"/><link rel=\"alternate\" href=\"https://edge.example/home\"/>"
                + "<id>urn:edge</id><updated>2026-12-01T09:00:00Z</updated>"
                + "<entry><title>first</title><id>urn:1</id><updated>2026-12-01T09:00:00Z</updated>"
                + "<link rel=\"enclosure\" type=\"audio/mpeg\" href=\"https://edge.example/first.mp3\"/>"
                + "<link rel=\"alternate\" href=\"https://edge.example/first\"/>"
                + "<summary></summary><content type=\"html\">&lt;p&gt;The body&lt;/p&gt;</content></entry>"
                + "</feed>");
        assertEquals("Atom Edge", feed.title());
        assertEquals("https://edge.example/home", feed.link(), "the site, not the feed's rel=self");
        Article first = byTitle(feed, "first");
        assertEquals("https://edge.example/first", first.link(), "the page, not the enclosure");
        assertEquals("The body", first.description(), "an empty summary gives way to the content");
    }

    @Test
    void theImageIsTheFirstMediaThatIsAnImageByMediumTypeOrPath() throws Exception {
        ParsedFeed feed = parse(rss(
                item("clip-then-picture", "<media:content url=\"https://cdn.example/clip.mp4\"/>"
                        + "<media:content url=\"https://cdn.example/picture.JPG?w=640#top\"/>")
                + item("video-medium", "<media:content url=\"https://cdn.example/still.png\" medium=\"video\"/>")
                + item("typed", "<media:content url=\"https://cdn.example/render\" type=\" Image/JPEG\"/>")
                + item("by-medium", "<media:content url=\"https://cdn.example/render2\" medium=\"IMAGE\"/>")
                + item("audio-enclosure", "<enclosure url=\"https://cdn.example/talk.mp3\" type=\"audio/mpeg\" length=\"1\"/>"
                        + "<description>&lt;img src=\"/pics/talk.png\"&gt; A talk</description>")
                + item("image-enclosure", "<enclosure url=\"https://cdn.example/photo\" type=\"image/webp\" length=\"1\"/>")));
        assertEquals("https://cdn.example/picture.JPG?w=640#top", byTitle(feed, "clip-then-picture").image(),
                "a video is no image; a path ending in an image extension is, whatever follows");
        assertNull(byTitle(feed, "video-medium").image(), "a stated medium other than image wins over the path");
        assertEquals("https://cdn.example/render", byTitle(feed, "typed").image());
        assertEquals("https://cdn.example/render2", byTitle(feed, "by-medium").image());
        assertEquals("https://edge.example/pics/talk.png", byTitle(feed, "audio-enclosure").image(),
                "an audio enclosure is no image; the description's is, resolved against the feed");
        assertEquals("https://cdn.example/photo", byTitle(feed, "image-enclosure").image());
    }

    @Test
    void aParsersReasonIsKeptToOneLineOfAtMostTheLimit() {
        String limit = "r".repeat(150);
        assertEquals(limit, FeedParser.oneLine(limit));
        String longer = FeedParser.oneLine(limit + "r");
        assertEquals(150, longer.length());
        assertTrue(longer.endsWith("…"));
        assertEquals("a b c", FeedParser.oneLine("  a\n\tb   c \n"));
        assertEquals("unknown reason", FeedParser.oneLine(null));
    }

    @Test
    void theStartOfADocumentSaysWhatKindOfDocumentItIs() {
        assertEquals(DocumentStart.Kind.EMPTY, DocumentStart.of("  \n ").kind());
        assertEquals(DocumentStart.Kind.EMPTY, DocumentStart.of("<?xml version=\"1.0\"?> <!-- c --> ").kind());
        assertEquals(DocumentStart.Kind.UNCLEAR, DocumentStart.of("<?xml version=\"1.0\"?><!-- never ends").kind());
        assertEquals(DocumentStart.Kind.UNCLEAR, DocumentStart.of("<?xml never ends").kind());
        assertEquals(DocumentStart.Kind.UNCLEAR, DocumentStart.of("<1rss>").kind());
        assertEquals(DocumentStart.Kind.UNCLEAR, DocumentStart.of("<").kind());
        assertEquals(DocumentStart.Kind.NOT_MARKUP, DocumentStart.of("{\"json\": true}").kind());

        DocumentStart doctype = DocumentStart.of("<?xml version=\"1.0\"?>\n<!doctype   HTML PUBLIC \"x\"><html>");
        assertEquals(DocumentStart.Kind.DOCTYPE, doctype.kind());
        assertEquals("HTML", doctype.name());
        assertTrue(doctype.isHtml());
        DocumentStart element = DocumentStart.of("<x:Html xmlns:x=\"y\">");
        assertEquals("x:Html", element.name());
        assertEquals("html", element.localName());
        assertTrue(element.isHtml());
        DocumentStart rss = DocumentStart.of("<rdf:RDF-1.x_y>");
        assertEquals("rdf:RDF-1.x_y", rss.name(), "digits, dashes, dots and underscores belong to a name");
        assertFalse(rss.isHtml());
        assertFalse(DocumentStart.of("{html}").isHtml(), "not markup, whatever it says");
        assertNull(DocumentStart.of("text").localName());

        String forty = "<rss>" + "x".repeat(35);
        assertEquals(forty, DocumentStart.of(forty).snippet(), "forty characters fit the snippet whole");
        assertEquals(forty + "…", DocumentStart.of(forty + "y").snippet());
        assertEquals("<rss a=\"1\" b=\"2\">", DocumentStart.of("<rss\n a=\"1\"\t\tb=\"2\">").snippet());
    }
}
