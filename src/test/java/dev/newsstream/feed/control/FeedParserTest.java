package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeedParserTest {

    private static final Instant FETCHED_AT = Instant.parse("2025-06-07T12:00:00Z");
    private static final Source SOURCE = new Source("Example News", List.of(URI.create("https://news.example.org/rss/main.xml")),
            "world", "GB", "public", "center");

    private final FeedParser parser = new FeedParser();

    @Test
    void rss2EntriesBecomePlainTextArticlesWithResolvedLinksAndImages() throws Exception {
        ParsedFeed feed = parseFixture("rss2-news.xml", "application/rss+xml; charset=utf-8", "https://news.example.org/rss/main.xml");

        assertEquals("Example News & Views", feed.title());
        assertEquals("https://news.example.org/", feed.link());
        assertEquals(List.of("1 entry without a link", "1 entry without a readable date (used the fetch time)"), feed.problems());
        List<Article> articles = feed.articles();
        assertEquals(5, articles.size());

        assertArticle(articles.get(0),
                "Parliament passes the budget & adjourns",
                "https://news.example.org/politics/budget-2025",
                "The vote was close — 51 to 49. Café talk follows.",
                "2025-06-03T07:39:21Z",
                "https://cdn.example.org/thumbs/budget.jpg",
                "budget-2025-06-03");
        assertArticle(articles.get(1),
                "Harbour reopens",
                "https://news.example.org/city/harbour",
                "Ships & cranes are back.",
                "2025-06-02T18:00:00Z",
                "https://news.example.org/img/harbour.jpg",
                "https://news.example.org/city/harbour");
        assertArticle(articles.get(2),
                "Storm warning",
                "https://news.example.org/weather/storm",
                "Winds up to 120 km/h.",
                "2025-06-01T11:05:00Z",
                "https://news.example.org/weather/images/storm.jpg",
                "https://news.example.org/weather/storm");
        assertArticle(articles.get(3),
                "Briefing without a link",
                null,
                "Short note.",
                FETCHED_AT.toString(),
                "https://cdn.example.org/briefing.webp",
                "Briefing without a link|");
        assertArticle(articles.get(4),
                Article.NO_TITLE,
                "https://news.example.org/gallery/7",
                Article.NO_DESCRIPTION,
                "2025-05-31T23:59:59Z",
                "https://cdn.example.org/gallery-7.gif",
                "https://news.example.org/gallery/7");
    }

    @Test
    void articlesCarryTheSourceAttributes() throws Exception {
        Article first = parseFixture("rss2-news.xml", null, "https://news.example.org/rss/main.xml").articles().get(0);

        assertAll(
                () -> assertEquals("Example News", first.source()),
                () -> assertEquals("world", first.category()),
                () -> assertEquals("GB", first.country()));
    }

    @Test
    void atom10UsesUpdatedWhenThereIsNoPublishedAndFindsTheImageInTheContent() throws Exception {
        ParsedFeed feed = parseFixture("atom10-blog.xml", "application/atom+xml", "https://blog.example.com/atom.xml");

        assertEquals("Example Blog", feed.title());
        assertEquals("https://blog.example.com/", feed.link());
        assertEquals(List.of(), feed.problems());
        assertEquals(2, feed.articles().size());
        assertArticle(feed.articles().get(0),
                "Release 2.0 is out",
                "https://blog.example.com/posts/release-2",
                "New & improved.",
                "2025-05-20T08:00:00Z",
                "https://blog.example.com/media/release.png",
                "tag:blog.example.com,2025:post-42");
        assertArticle(feed.articles().get(1),
                "Second post",
                "https://blog.example.com/posts/second",
                "Short summary",
                "2025-05-18T09:30:00Z",
                "https://blog.example.com/media/second.jpg",
                "tag:blog.example.com,2025:post-43");
    }

    @Test
    void rss10RdfWithDublinCoreDate() throws Exception {
        ParsedFeed feed = parseFixture("rss10-rdf.xml", "application/rdf+xml", "https://science.example.net/rss");

        assertEquals("Science Daily-ish", feed.title());
        assertEquals(List.of(), feed.problems());
        assertEquals(1, feed.articles().size());
        assertArticle(feed.articles().get(0),
                "Comet spotted",
                "https://science.example.net/a/1",
                "A bright comet – visible tonight.",
                "2025-04-01T12:00:00Z",
                null,
                "https://science.example.net/a/1");
    }

    /** The prolog names the charset; a missing, generic or even contradicting header must not garble it. */
    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"text/xml", "application/rss+xml", "text/xml; charset=UTF-8", "text/html"})
    void iso88591DeclaredInTheProlog(String contentType) throws Exception {
        for (String fixture : List.of("iso-8859-1.xml", "leading-whitespace-latin1.xml")) {
            ParsedFeed feed = parseFixture(fixture, contentType, "https://cafe.example.fr/rss");

            assertEquals("Café Journal", feed.title(), fixture);
            Article article = feed.articles().get(0);
            assertEquals("Crème brûlée à la française", article.title(), fixture);
            assertEquals("Un délice § ½ prix, été « chaud ».", article.description(), fixture);
            assertEquals(Instant.parse("2025-06-05T06:00:00Z"), article.published(), fixture);
        }
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"text/xml", "application/xml; charset=utf-8", "text/xml; charset=ISO-8859-1"})
    void utf8BomAndBlankLinesBeforeThePrologAreTolerated(String contentType) throws Exception {
        ParsedFeed feed = parseFixture("bom-leading-whitespace.xml", contentType, "https://koeln.example.de/rss");

        assertEquals("Grüße aus Köln", feed.title());
        assertEquals("Straßenfest am Wochenende – \uD83C\uDF89", feed.articles().get(0).title());
        assertEquals(List.of(), feed.problems());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"text/xml", "application/rss+xml"})
    void utf16WithByteOrderMark(String contentType) throws Exception {
        ParsedFeed feed = parseFixture("utf-16le-bom.xml", contentType, "https://ru.example.net/rss");

        assertEquals("Новости", feed.title());
        assertEquals("Привет, мир", feed.articles().get(0).title());
    }

    @Test
    void utf16WithoutByteOrderMarkIsRecognisedFromThePrologBytes() throws Exception {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>Ελληνικά</title>"
                + "<link>https://gr.example/</link><description>d</description></channel></rss>").getBytes(StandardCharsets.UTF_16LE);

        assertEquals("Ελληνικά", parser.parse(body, "application/rss+xml", URI.create("https://gr.example/rss"), SOURCE, FETCHED_AT).title());
    }

    /** ROME alone would read text/xml without a charset as US-ASCII (RFC 3023); today's feeds mean UTF-8. */
    @Test
    void textXmlWithoutAnyCharsetIsReadAsUtf8() throws Exception {
        byte[] body = ("<rss version=\"2.0\"><channel><title>Zürich</title><link>https://zh.example.ch/</link>"
                + "<description>d</description><item><title>Fondue für alle</title><link>https://zh.example.ch/1</link>"
                + "<pubDate>Fri, 06 Jun 2025 10:00:00 GMT</pubDate></item></channel></rss>").getBytes(StandardCharsets.UTF_8);

        ParsedFeed feed = parser.parse(body, "text/xml", URI.create("https://zh.example.ch/rss"), SOURCE, FETCHED_AT);

        assertEquals("Zürich", feed.title());
        assertEquals("Fondue für alle", feed.articles().get(0).title());
    }

    @Test
    void markupInTitlesAndDescriptionsNeverSurvives() throws Exception {
        ParsedFeed feed = parseFixture("hostile-markup.xml", "application/rss+xml", "https://hostile.example.com/rss");

        assertEquals("Hostile", feed.title());
        assertNull(feed.link(), "javascript: feed link");
        assertEquals("Hello", feed.articles().get(0).title());
        assertEquals("Bold claims", feed.articles().get(0).description());
        Article second = feed.articles().get(1);
        assertEquals("Breaking", second.title());
        assertNull(second.link(), "javascript: link");
        assertNull(second.image(), "javascript: thumbnail and data: enclosure");
        assertEquals("javascript:alert(4)", second.key(), "the key is identity, not something to follow");
        assertEquals(List.of("1 entry with a link that is not an http(s) URL"), feed.problems());
        for (Article article : feed.articles()) {
            assertFalse(article.title().contains("<") || article.description().contains("<"), article.toString());
        }
    }

    @Test
    void feedWithoutEntriesIsParsedButReportsAProblem() throws Exception {
        ParsedFeed feed = parseFixture("empty-channel.xml", "application/rss+xml", "https://quiet.example.org/rss");

        assertEquals("Quiet Source", feed.title());
        assertEquals(List.of(), feed.articles());
        assertEquals(List.of("feed has no entries"), feed.problems());
    }

    @Test
    void longDescriptionsAreCutAtAWordBoundary() throws Exception {
        String words = "lorem ipsum dolor sit amet ".repeat(40).strip();
        byte[] body = ("<rss version=\"2.0\"><channel><title>t</title><link>https://l.example/</link><description>d</description>"
                + "<item><title>Long</title><link>https://l.example/1</link><description>" + words + "</description>"
                + "<pubDate>Fri, 06 Jun 2025 10:00:00 GMT</pubDate></item></channel></rss>").getBytes(StandardCharsets.UTF_8);

        String description = parser.parse(body, null, URI.create("https://l.example/rss"), SOURCE, FETCHED_AT)
                .articles().get(0).description();

        assertTrue(description.length() <= FeedParser.DESCRIPTION_LIMIT + 1, description.length() + " chars");
        assertTrue(description.length() > FeedParser.DESCRIPTION_LIMIT - 30, description.length() + " chars");
        assertTrue(description.endsWith("…"), description);
        String kept = description.substring(0, description.length() - 1);
        assertTrue(words.startsWith(kept + " "), "cut inside a word: " + kept.substring(kept.length() - 20));
    }

    @Test
    void textWithoutSpacesIsCutHardWithoutSplittingASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        String text = "a" + emoji.repeat(300);

        String cut = PlainText.truncate(text, 10);

        assertEquals("a" + emoji.repeat(4) + "…", cut);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            xxe-external-entity.xml   | application/rss+xml        | feed rejected: DOCTYPE declarations are not allowed
            doctype-after-comment.xml | text/xml                   | feed rejected: DOCTYPE declarations are not allowed
            malformed.xml             | application/rss+xml        | malformed XML: line 6: The element type "item" must be terminated by the matching end-tag "</item>".
            html-page.html            | text/html; charset=utf-8   | not an RSS or Atom feed: the response is an HTML page
            html-page.html            | null                       | not an RSS or Atom feed: the response is an HTML page
            not-a-feed.xml            | application/xml            | not an RSS or Atom feed: the root element <note> is not rss, rdf:RDF or feed
            """)
    void documentsThatAreNotAcceptableFeedsAreRejectedWithAReadableMessage(String fixture, String contentType, String message) {
        FeedParseException e = assertThrows(FeedParseException.class,
                () -> parseFixture(fixture, contentType, "https://news.example.org/rss"));

        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \r\n\t ", "\uFEFF"})
    void emptyBodiesAreNotFeeds(String body) {
        FeedParseException e = assertThrows(FeedParseException.class,
                () -> parser.parse(body.getBytes(StandardCharsets.UTF_8), "application/rss+xml", URI.create("https://e.example/rss"), SOURCE, FETCHED_AT));

        assertEquals("not an RSS or Atom feed: the response body is empty", e.getMessage());
    }

    @Test
    void nullBodyIsAnEmptyBody() {
        FeedParseException e = assertThrows(FeedParseException.class,
                () -> parser.parse(null, null, URI.create("https://e.example/rss"), SOURCE, FETCHED_AT));

        assertEquals("not an RSS or Atom feed: the response body is empty", e.getMessage());
    }

    @Test
    void jsonIsNotAFeed() {
        FeedParseException e = assertThrows(FeedParseException.class,
                () -> parser.parse("{\"items\": []}".getBytes(StandardCharsets.UTF_8), "application/json",
                        URI.create("https://e.example/feed.json"), SOURCE, FETCHED_AT));

        assertEquals("not an RSS or Atom feed: the response is not XML (it starts with \"{\"items\": []}\")", e.getMessage());
    }

    /** The fixture points at a closed port; here a live listener proves that nothing even tries to connect. */
    @Test
    void externalEntitiesAreNeverFetched() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/secret";
            byte[] body = ("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM \"" + url + "\">"
                    + "<!ENTITY % remote SYSTEM \"" + url + ".dtd\"> %remote;]>\n"
                    + "<rss version=\"2.0\"><channel><title>&secret;</title><link>https://x.example/</link>"
                    + "<description>d</description></channel></rss>").getBytes(StandardCharsets.UTF_8);

            assertThrows(FeedParseException.class,
                    () -> parser.parse(body, "application/rss+xml", URI.create("https://x.example/rss"), SOURCE, FETCHED_AT));

            listener.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> {
                try (Socket connection = listener.accept()) {
                    // reaching this line means the parser connected
                }
            });
        }
    }

    private ParsedFeed parseFixture(String name, String contentType, String feedUrl) throws FeedParseException {
        return parser.parse(fixture(name), contentType, URI.create(feedUrl), SOURCE, FETCHED_AT);
    }

    private static byte[] fixture(String name) {
        try (InputStream in = FeedParserTest.class.getResourceAsStream("/feeds/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertArticle(Article article, String title, String link, String description, String published,
                                      String image, String key) {
        assertAll(article.toString(),
                () -> assertEquals(title, article.title(), "title"),
                () -> assertEquals(link, article.link(), "link"),
                () -> assertEquals(description, article.description(), "description"),
                () -> assertEquals(Instant.parse(published), article.published(), "published"),
                () -> assertEquals(image, article.image(), "image"),
                () -> assertEquals(key, article.key(), "key"));
    }
}
