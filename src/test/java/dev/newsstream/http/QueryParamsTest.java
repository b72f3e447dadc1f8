package dev.newsstream.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.WebApplicationException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParamsTest {

    @ParameterizedTest(name = "limit={0} -> {1}")
    @CsvSource(value = {"NULL, 50", "'', 50", "'  ', 50", "1, 1", "500, 500", "' 42 ', 42"}, nullValues = "NULL")
    void wholeNumbersInRangeOrTheDefault(String value, int expected) {
        assertEquals(expected, QueryParams.intIn("limit", value, 50, 1, 500));
    }

    @ParameterizedTest(name = "limit={0}")
    @CsvSource({"0, between 1 and 500, got 0", "501, between 1 and 500, got 501", "-1, between 1 and 500, got -1",
            "abc, whole number, got 'abc'", "1.5, whole number, got '1.5'", "99999999999, whole number, got '99999999999'"})
    void outOfRangeOrNotANumberIs400WithTheReason(String value, String reason, String echo) {
        String detail = badRequest(() -> QueryParams.intIn("limit", value, 50, 1, 500));
        assertTrue(detail.startsWith("limit must be"), detail);
        assertTrue(detail.contains(reason), detail);
        assertTrue(detail.contains(echo), detail);
    }

    @ParameterizedTest(name = "since={0}")
    @CsvSource({
            "2026-11-20T12:00:00Z, 2026-11-20T12:00:00Z",
            "2026-11-20T13:00:00+01:00, 2026-11-20T12:00:00Z",
            "2026-11-20, 2026-11-20T00:00:00Z",
            "' 2026-11-20 ', 2026-11-20T00:00:00Z"})
    void instantsDatesAndOffsets(String value, String expected) {
        assertEquals(Instant.parse(expected), QueryParams.instant("since", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"last-week", "2026-13-01", "20261120", "2026-11-20T25:00:00Z", "yesterday"})
    void anythingElseIsNotADate(String value) {
        String detail = badRequest(() -> QueryParams.instant("since", value));
        assertTrue(detail.contains("since must be an ISO-8601"), detail);
        assertTrue(detail.contains("'" + value + "'"), detail);
    }

    @Test
    void missingInstantIsNull() {
        assertNull(QueryParams.instant("since", null));
        assertNull(QueryParams.instant("since", " "));
    }

    @Test
    void textIsTrimmedAndBounded() {
        assertEquals("climate", QueryParams.text("q", "  climate ", 10));
        assertNull(QueryParams.text("q", "   ", 10));
        assertEquals("q is longer than 10 characters", badRequest(() -> QueryParams.text("q", "x".repeat(11), 10)));
        assertEquals("x".repeat(10), QueryParams.text("q", "x".repeat(10), 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", " yes ", "1"})
    void flagsSayTrue(String text) {
        assertTrue(BooleanParam.valueOf(text).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "No", "0"})
    void flagsSayFalse(String text) {
        assertFalse(BooleanParam.valueOf(text).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ture", "sometimes", "", "2"})
    void anyOtherFlagIs400(String text) {
        assertEquals("expected true or false, got '" + text + "'", badRequest(() -> BooleanParam.valueOf(text)));
    }

    private static String badRequest(Executable call) {
        WebApplicationException e = assertThrows(WebApplicationException.class, call);
        assertEquals(400, e.getResponse().getStatus());
        return ((Problem) e.getResponse().getEntity()).detail();
    }
}
