package dev.newsstream.http;

import java.util.Locale;

/**
 * A query flag that accepts only true/false (and 1/0, yes/no): JAX-RS's own Boolean would read
 * {@code use_cache=ture} as false without a word.
 */
public record BooleanParam(boolean value) {

    public static BooleanParam valueOf(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> new BooleanParam(true);
            case "false", "0", "no" -> new BooleanParam(false);
            default -> throw Problem.badRequest("expected true or false, got '" + text + "'");
        };
    }
}
