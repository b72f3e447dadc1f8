package dev.newsstream.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parses query parameters strictly, answering 400 with the reason instead of guessing. */
public final class QueryParams {
    private QueryParams() {
    }

    public static int intIn(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) return defaultValue;
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw Problem.badRequest(name + " must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw Problem.badRequest(name + " must be a whole number, got '" + value + "'");
        }
    }

    /** An ISO-8601 instant ({@code 2026-11-20T12:00:00Z}), offset date-time, or date (midnight UTC). */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) return null;
        String v = value.trim();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw Problem.badRequest(name + " must be an ISO-8601 date or date-time such as "
                            + "2026-11-20 or 2026-11-20T12:00:00Z, got '" + value + "'");
                }
            }
        }
    }

    /** Free text with a sane length; longer input is a client bug, not a search. */
    public static String text(String name, String value, int maxLength) {
        if (value == null || value.isBlank()) return null;
        if (value.length() > maxLength) throw Problem.badRequest(name + " is longer than " + maxLength + " characters");
        return value.trim();
    }
}
