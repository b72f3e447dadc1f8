package dev.newsstream.config.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationConverterTest {

    final DurationConverter cut = new DurationConverter();

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
            "500ms, 500",
            "20s, 20000",
            "20, 20000",
            "' 7 s ', 7000",
            "10m, 600000",
            "4h, 14400000",
            "30d, 2592000000",
            "20S, 20000",
            "PT20S, 20000",
            "pt1.5s, 1500",
            "P1DT1H, 90000000",
            "0s, 0"})
    void readsTheWaysOperatorsWriteDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), cut.convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void blankMeansNotSet(String text) {
        assertNull(cut.convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"20 seconds", "-5s", "1.5s", "s", "ten minutes", "P"})
    void anythingElseIsRefusedWithAnExample(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cut.convert(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("PT20S"), "the message shows how to write one: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "9223372036854775807d", "9223372036854775807h"})
    void numbersPastWhatADurationHoldsAreRefusedNotOverflowed(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cut.convert(text));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({"250, 250 ms", "999, 999 ms", "1000, 1 s", "20000, 20 s", "1500, 1.5 s", "1250, 1.3 s"})
    void humanDurationsReadAsPeopleSayThem(long millis, String expected) {
        assertEquals(expected, Durations.human(Duration.ofMillis(millis)));
    }
}
