package dev.newsstream.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
            "0, PT0S",
            "120, PT2M",
            "86400, PT24H",
            "86401, PT24H",
            "999999999, PT24H",
            "9999999999999999999999999999999, PT24H",
            "'Tue, 01 Dec 2026 12:10:00 GMT', PT10M",
            "'Tue, 01 Dec 2026 11:00:00 GMT', PT0S",
            "'Wed, 02 Dec 2026 13:00:00 GMT', PT24H",
            "'Fri, 31 Dec 9999 23:59:59 GMT', PT24H",
            "'Mon, 01 Jan 1900 00:00:00 GMT', PT0S",
    })
    void delaysAndDatesAreReadAndNeverExceedADay(String header, Duration expected) {
        assertEquals(expected, RetryAfter.parse(header, NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-5", "soon", "1.5", "+30", "Tue, 01 Dec 99999 12:00:00 GMT", "0x10"})
    void unreadableValuesAreIgnored(String header) {
        assertNull(RetryAfter.parse(header, NOW));
    }

    @org.junit.jupiter.api.Test
    void anEnormousHeaderIsIgnoredWithoutParsingIt() {
        assertNull(RetryAfter.parse("9".repeat(1_000_000) + "x", NOW));
        assertNull(RetryAfter.parse(null, NOW));
    }
}
