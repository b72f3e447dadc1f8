package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RepeatedAnswersTest {

    static final URI URL = URI.create("https://news.example.org/rss.xml");
    static final Source SOURCE = new Source("Example News", List.of(URL), "general", "us", null, null);
    static final String CONTENT_TYPE = "application/rss+xml";

    /** The real parser, counting its parses. */
    static final class CountingParser extends FeedParser {
        final AtomicInteger parses = new AtomicInteger();

        @Override
        public ParsedFeed parse(byte[] body, String contentType, URI feedUrl, Source source, Instant fetchedAt)
                throws FeedParseException {
            parses.incrementAndGet();
            return super.parse(body, contentType, feedUrl, source, fetchedAt);
        }
    }

    final CountingParser parser = new CountingParser();
    final RepeatedAnswers cut = new RepeatedAnswers();

    static byte[] rss(String title, String ttl) {
        return ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example</title>" + ttl
                + "<item><title>" + title + "</title><link>https://news.example.org/1</link><guid>g1</guid>"
                + "</item></channel></rss>").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameBytesFromTheSameUrlAreParsedOnceAndKeepTheirFirstSeenTime() throws Exception {
        Instant first = Instant.parse("2026-12-01T10:00:00Z");
        RepeatedAnswers.Parsed a = cut.parse(parser, rss("One", "<ttl>30</ttl>"), CONTENT_TYPE, URL, SOURCE, first);
        RepeatedAnswers.Parsed b = cut.parse(parser, rss("One", "<ttl>30</ttl>"), CONTENT_TYPE, URL, SOURCE,
                first.plusSeconds(600));

        assertEquals(1, parser.parses.get());
        assertFalse(a.reused());
        assertTrue(b.reused());
        assertSame(a.feed(), b.feed());
        assertEquals(Duration.ofMinutes(30), b.hint(), "the document's own refresh hint comes with it");
        assertEquals(first, b.feed().articles().get(0).published(), "an undated entry keeps the time it was first seen");
    }

    @Test
    void anythingThatCouldChangeTheResultMeansAParse() throws Exception {
        Instant now = Instant.now();
        cut.parse(parser, rss("One", ""), CONTENT_TYPE, URL, SOURCE, now);

        RepeatedAnswers.Parsed changed = cut.parse(parser, rss("Two", ""), CONTENT_TYPE, URL, SOURCE, now);
        assertEquals("Two", changed.feed().articles().get(0).title());
        cut.parse(parser, rss("Two", ""), "text/xml; charset=ISO-8859-1", URL, SOURCE, now);
        URI mirror = URI.create("https://mirror.example.org/rss.xml");
        cut.parse(parser, rss("Two", ""), "text/xml; charset=ISO-8859-1", mirror, SOURCE, now);
        Source recategorised = new Source("Example News", List.of(URL), "world", "us", null, null);
        RepeatedAnswers.Parsed moved = cut.parse(parser, rss("Two", ""), "text/xml; charset=ISO-8859-1", URL,
                recategorised, now);

        assertEquals(5, parser.parses.get(), "new bytes, a new charset, another URL, a changed source: each parsed");
        assertEquals("world", moved.feed().articles().get(0).category());
    }

    @Test
    void aFailedParseIsNotKept() {
        byte[] notAFeed = "<html><body>sign in</body></html>".getBytes(StandardCharsets.UTF_8);
        assertThrows(FeedParseException.class, () -> cut.parse(parser, notAFeed, "text/html", URL, SOURCE, Instant.now()));
        assertThrows(FeedParseException.class, () -> cut.parse(parser, notAFeed, "text/html", URL, SOURCE, Instant.now()));
        assertEquals(2, parser.parses.get());
    }
}
