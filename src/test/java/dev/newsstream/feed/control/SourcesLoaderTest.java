package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.newsstream.feed.entity.Source;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourcesLoaderTest {

    private static List<Source> load(String json) {
        return SourcesLoader.load("test.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsTheOriginalAppsShapeWithDefaults() {
        List<Source> sources = load("""
                {"BBC": {"url": "https://feeds.bbci.co.uk/news/rss.xml", "category": "general", "country": "UK",
                         "funding_type": "Public", "bias_rating": "Center"},
                 "Bare": {"url": "http://example.org/feed"}}
                """);
        assertEquals(2, sources.size());
        Source bbc = sources.get(0);
        assertEquals("BBC", bbc.name());
        assertEquals(URI.create("https://feeds.bbci.co.uk/news/rss.xml"), bbc.firstUrl());
        assertEquals("UK", bbc.country());
        assertEquals("Public", bbc.fundingType());
        assertEquals("Center", bbc.biasRating());
        Source bare = sources.get(1);
        assertEquals("general", bare.category(), "missing category defaults to general");
        assertEquals("", bare.country());
        assertEquals("", bare.fundingType());
        assertEquals("", bare.biasRating());
    }

    @Test
    void aListOfUrlsBecomesNumberedSourcesUnlessConsolidated() {
        List<Source> sources = load("""
                {"ESPN": {"url": ["https://a.example/1", "https://a.example/2"], "category": "sports"},
                 "HN": {"url": ["https://b.example/1", "https://b.example/2"], "consolidate": true}}
                """);
        assertEquals(List.of("ESPN - 1", "ESPN - 2", "HN"), sources.stream().map(Source::name).toList());
        assertEquals("sports", sources.get(1).category());
        assertEquals(2, sources.get(2).urls().size());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON                | {\"BBC\": {\"url\": }                              | not valid JSON",
            "top level is a list     | [1, 2]                                           | expected a JSON object",
            "value is a string       | {\"BBC\": \"https://x.example\"}                 | source 'BBC': expected an object",
            "no url                  | {\"BBC\": {\"category\": \"general\"}}           | source 'BBC': has no \"url\"",
            "url is a number         | {\"BBC\": {\"url\": 42}}                          | source 'BBC': \"url\" must be a string",
            "empty url list          | {\"BBC\": {\"url\": []}}                          | source 'BBC': \"url\" is an empty list",
            "ftp url                 | {\"BBC\": {\"url\": \"ftp://x.example/feed\"}}   | source 'BBC': url 'ftp://x.example/feed' is not an http or https URL",
            "relative url            | {\"BBC\": {\"url\": \"/feed.xml\"}}               | is not an http or https URL",
            "category is a number    | {\"BBC\": {\"url\": \"https://x.example\", \"category\": 3}} | \"category\" must be a string",
            "consolidate is a string | {\"BBC\": {\"url\": [\"https://x.example\", \"https://y.example\"], \"consolidate\": \"yes\"}} | \"consolidate\" must be true or false",
            "generated name clashes  | {\"A\": {\"url\": [\"https://x.example\", \"https://y.example\"]}, \"A - 1\": {\"url\": \"https://z.example\"}} | source 'A - 1': the name is used twice",
    })
    void aBrokenFileFailsWholeWithAMessageNamingFileSourceAndProblem(String what, String json, String expected) {
        SourcesFileException e = assertThrows(SourcesFileException.class, () -> load(json));
        assertTrue(e.getMessage().startsWith("Sources file test.json"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> what + ": '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a list at the top        | [1]                                              | expected a JSON object keyed by source name, found a list",
            "a number for a source    | {\"BBC\": 1}                                     | source 'BBC': expected an object, found a number",
            "a boolean for a source   | {\"BBC\": true}                                  | source 'BBC': expected an object, found a boolean",
            "null for a source        | {\"BBC\": null}                                  | source 'BBC': expected an object, found null",
            "an object for url        | {\"BBC\": {\"url\": {}}}                          | \"url\" must be a string or a list of strings, found an object",
            "a number in the url list | {\"BBC\": {\"url\": [1]}}                         | \"url\" list holds a number, expected strings",
            "a list for category      | {\"BBC\": {\"url\": \"https://x.example\", \"category\": [\"a\"]}} | \"category\" must be a string, found a list",
            "a string for consolidate | {\"BBC\": {\"url\": [\"https://x.example\", \"https://y.example\"], \"consolidate\": \"yes\"}} | \"consolidate\" must be true or false, found a string",
    })
    void aValueOfTheWrongTypeIsNamedByItsType(String what, String json, String expected) {
        SourcesFileException e = assertThrows(SourcesFileException.class, () -> load(json));
        assertTrue(e.getMessage().endsWith(expected), () -> what + ": '" + e.getMessage() + "' does not end with '" + expected + "'");
    }

    @Test
    void aSourceAddedAtRunTimeIsReadLikeAnEntryOfTheFile() {
        List<Source> added = SourcesLoader.fromSpec("(request)", "  Wire  ", jakarta.json.Json.createObjectBuilder()
                .add("url", "https://wire.example/feed").add("category", "tech").build());
        assertEquals(1, added.size());
        assertEquals("Wire", added.get(0).name(), "the name is trimmed");
        assertEquals("tech", added.get(0).category());
        assertEquals(java.net.URI.create("https://wire.example/feed"), added.get(0).firstUrl());
    }

    @Test
    void theBundledListHasSixtyWellFormedSourcesAcrossCategories() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("sources.json")) {
            List<Source> sources = SourcesLoader.load("sources.json", in);
            assertTrue(sources.size() >= 60, "only " + sources.size());
            Set<String> categories = sources.stream().map(Source::category).collect(Collectors.toSet());
            assertTrue(categories.containsAll(Set.of("general", "politics", "technology", "business", "science",
                    "sports", "entertainment")), categories.toString());
            assertTrue(sources.stream().allMatch(s -> s.firstUrl().getScheme().equals("https")));
        }
    }
}
