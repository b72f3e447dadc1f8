package dev.newsstream.config.control;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets operators write durations the way they think of them ({@code 20s}, {@code 500ms}, {@code 10m},
 * {@code 4h}) as well as ISO-8601 ({@code PT20S}). A plain number means seconds.
 */
public class DurationConverter implements Converter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    @Override
    public Duration convert(String value) {
        if (value == null || value.isBlank()) return null;
        String text = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(text);
        if (!m.matches()) {
            try {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a duration: '" + value + "' (use e.g. 500ms, 20s, 10m, 4h or PT20S)");
            }
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            long amount = Long.parseLong(m.group(1));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            // a typo such as 99999999999999999999d must fail the start with a message, not an overflow trace
            throw new IllegalArgumentException("duration out of range: '" + value + "'");
        }
    }
}
