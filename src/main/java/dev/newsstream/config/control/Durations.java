package dev.newsstream.config.control;

import java.time.Duration;

/** Durations the way messages for people show them: "20 s", "1.5 s", "250 ms". */
public final class Durations {
    private Durations() {
    }

    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + " ms";
        if (ms % 1000 == 0) return (ms / 1000) + " s";
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
