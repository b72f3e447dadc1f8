package dev.newsstream.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private final Backoff cut = new Backoff(Duration.ofHours(1), Duration.ofHours(4));

    @ParameterizedTest(name = "failure {0} -> {1}")
    @CsvSource({"0, PT1H", "1, PT1H", "2, PT2H", "3, PT4H", "4, PT4H", "1000, PT4H", "2147483647, PT4H"})
    void doublesFromTheBaseUpToTheMax(int failures, Duration expected) {
        assertEquals(expected, cut.delay(failures, null));
    }

    @Test
    void aLongerRetryAfterWinsButNeverPastADay() {
        assertEquals(Duration.ofHours(10), cut.delay(1, Duration.ofHours(10)));
        assertEquals(Duration.ofHours(1), cut.delay(1, Duration.ofMinutes(5)));
        assertEquals(Duration.ofHours(24), cut.delay(1, Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @Test
    void anAbsurdConfigurationIsCappedAtADayAndCannotOverflow() {
        Backoff absurd = new Backoff(Duration.ofDays(365_000), Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(Duration.ofHours(24), absurd.delay(Integer.MAX_VALUE, null));
        Backoff tiny = new Backoff(Duration.ofNanos(1), Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(Duration.ofHours(24), tiny.delay(Integer.MAX_VALUE, Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Duration.ZERO, new Backoff(Duration.ofSeconds(-5), Duration.ofHours(1)).delay(1, null));
    }
}
