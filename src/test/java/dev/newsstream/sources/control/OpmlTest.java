package dev.newsstream.sources.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Source;
import dev.newsstream.sources.entity.OpmlFeed;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpmlTest {

    @Test
    void whatIsWrittenReadsBackAsTheSameSources() {
        List<Source> sources = List.of(
                new Source("BBC <News> & \"more\"", List.of(URI.create("https://feeds.example/bbc.xml?a=1&b=2")), "general", "UK",
                        "Public", "Center"),
                new Source("HN", List.of(URI.create("https://hn.example/1"), URI.create("https://hn.example/2")), "tech", "", "",
                        ""));
        String opml = Opml.write(sources, Instant.parse("2026-12-01T00:00:00Z"));
        List<OpmlFeed> read = Opml.read(opml.getBytes(UTF_8), 100);
        assertEquals(2, read.size(), opml);
        OpmlFeed bbc = read.stream().filter(f -> f.name().startsWith("BBC")).findFirst().orElseThrow();
        assertEquals("BBC <News> & \"more\"", bbc.name());
        assertEquals(List.of("https://feeds.example/bbc.xml?a=1&b=2"), bbc.urls());
        assertEquals("general", bbc.category());
        assertEquals("UK", bbc.country());
        assertEquals("Public", bbc.fundingType());
        assertEquals("Center", bbc.biasRating());
        OpmlFeed hn = read.stream().filter(f -> f.name().equals("HN")).findFirst().orElseThrow();
        assertEquals(List.of("https://hn.example/1", "https://hn.example/2"), hn.urls());
        assertEquals("tech", hn.category());
    }

    @Test
    void categoriesComeFromTheNearestFolderOrTheCategoryAttribute() {
        String opml = "<opml version=\"1.0\"><body>"
                + "<outline text=\"Tech\"><outline text=\"Sub\"><outline xmlUrl=\"http://a/1\" text=\"A\"/></outline>"
                + "<outline xmlUrl=\"http://a/2\" title=\"B\"/></outline>"
                + "<outline xmlUrl=\"http://a/3\" category=\"/World,Other\"/>"
                + "<outline xmlUrl=\"http://a/4\" text=\"D\"/></body></opml>";
        List<OpmlFeed> feeds = Opml.read(opml.getBytes(UTF_8), 100);
        assertEquals(List.of("Sub", "Tech", "World", "general"), feeds.stream().map(OpmlFeed::category).toList());
        assertEquals(List.of("A", "B", "", "D"), feeds.stream().map(OpmlFeed::name).toList());
        assertEquals(List.of(1, 2, 3, 4), feeds.stream().map(OpmlFeed::index).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY x \"boom\">]><opml><body><outline xmlUrl=\"http://a/&x;\"/></body></opml>",
            "<?xml version=\"1.0\"?><!DOCTYPE opml SYSTEM \"file:///etc/passwd\"><opml><body/></opml>",
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><opml>&lol2;</opml>"})
    void documentTypeDeclarationsAndEntitiesAreRefused(String opml) {
        OpmlException e = assertThrows(OpmlException.class, () -> Opml.read(opml.getBytes(UTF_8), 100));
        assertTrue(e.getMessage().contains("DOCTYPE") || e.getMessage().contains("entity"), e.getMessage());
    }

    @Test
    void brokenInputGetsAClearMessage() {
        assertTrue(assertThrows(OpmlException.class, () -> Opml.read("not xml at all".getBytes(UTF_8), 10))
                .getMessage().startsWith("not well-formed XML"));
        assertTrue(assertThrows(OpmlException.class, () -> Opml.read("<rss><channel/></rss>".getBytes(UTF_8), 10))
                .getMessage().contains("not an OPML file"));
        assertTrue(assertThrows(OpmlException.class, () -> Opml.read(new byte[0], 10)).getMessage().contains("empty"));
        assertTrue(assertThrows(OpmlException.class, () -> Opml.read("<opml><body><outline xmlUrl=\"http://a\"></body></opml>"
                .getBytes(UTF_8), 10)).getMessage().startsWith("not well-formed XML"));
        String three = "<opml><body><outline xmlUrl=\"http://a/1\"/><outline xmlUrl=\"http://a/2\"/><outline xmlUrl=\"http://a/3\"/></body></opml>";
        assertTrue(assertThrows(OpmlException.class, () -> Opml.read(three.getBytes(UTF_8), 2)).getMessage().contains("more than 2"));
    }
}
