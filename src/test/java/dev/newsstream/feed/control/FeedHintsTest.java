package dev.newsstream.feed.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeedHintsTest {

    @Test
    void rssTtlIsMinutes() {
        assertEquals(Duration.ofMinutes(30), FeedHints.fromDocument(rss("<ttl>30</ttl>")));
    }

    @Test
    void syndicationPeriodIsDividedByItsFrequency() {
        String sy = "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>";
        assertEquals(Duration.ofMinutes(30), FeedHints.fromDocument(rss(sy)));
        assertEquals(Duration.ofDays(1), FeedHints.fromDocument(rss("<sy:updatePeriod> daily </sy:updatePeriod>")));
    }

    @Test
    void theLongerOfTwoHintsWins() {
        assertEquals(Duration.ofHours(1), FeedHints.fromDocument(rss("<ttl>5</ttl><sy:updatePeriod>hourly</sy:updatePeriod>")));
    }

    @Test
    void noHintOrNonsenseIsNull() {
        assertNull(FeedHints.fromDocument(rss("")));
        assertNull(FeedHints.fromDocument(rss("<sy:updatePeriod>sometimes</sy:updatePeriod>")));
        assertNull(FeedHints.fromDocument(rss("<ttl>soon</ttl>")));
        assertNull(FeedHints.fromDocument(new byte[0]));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "max-age=600 | 600",
            "public, max-age=120, must-revalidate | 120",
            "Public, Max-Age=\"90\" | 90",
            "s-maxage=300, max-age=60 | 300",
            "no-cache, max-age=600 | -",
            "no-store | -",
            "private | -",
            "- | -"})
    void cacheControlMaxAge(String header, Long seconds) {
        assertEquals(seconds == null ? null : Duration.ofSeconds(seconds), FeedHints.maxAge(header));
    }

    @Test
    void botWallsAreToldFromBrokenFeeds() {
        byte[] login = "<!DOCTYPE html><html><form><input type=\"password\" name=\"p\"></form></html>".getBytes(UTF_8);
        byte[] cloudflare = "<html><head><title>Just a moment...</title></head></html>".getBytes(UTF_8);
        byte[] page = "<!DOCTYPE html><html><body>Just a page</body></html>".getBytes(UTF_8);
        byte[] brokenXml = "<rss><channel><title>password</channel>".getBytes(UTF_8);
        assertTrue(BotWall.isWall(login, "text/html"));
        assertTrue(BotWall.isWall(cloudflare, null));
        assertFalse(BotWall.isWall(page, "text/html"));
        assertFalse(BotWall.isWall(brokenXml, "application/rss+xml"));
        assertTrue(BotWall.isWallStatus(403));
        assertTrue(BotWall.isWallStatus(401));
        assertFalse(BotWall.isWallStatus(404));
    }

    private static byte[] rss(String channelExtras) {
        return ("<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\">"
                + "<channel><title>t</title>" + channelExtras + "<item><title>i</title></item></channel></rss>")
                .getBytes(UTF_8);
    }
}
