package dev.newsstream.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Latency samples in nanoseconds; percentiles by nearest rank (p99 of 100 samples is the 99th smallest). */
final class Stats {

    private final long[] sorted;

    Stats(Collection<Long> nanos) {
        sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    Stats(long[] nanos) {
        sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** Nearest-rank percentile in nanoseconds; -1 without samples. */
    long percentile(double p) {
        if (sorted.length == 0) return -1;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    long p50() {
        return percentile(50);
    }

    long p99() {
        return percentile(99);
    }

    long max() {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    long min() {
        return sorted.length == 0 ? -1 : sorted[0];
    }

    /** Milliseconds with a precision that suits the size: 0.412, 12.3, 1534. */
    static String ms(long nanos) {
        if (nanos < 0) return "n/a";
        double ms = nanos / 1e6;
        if (ms < 10) return String.format(Locale.ROOT, "%.2f", ms);
        if (ms < 100) return String.format(Locale.ROOT, "%.1f", ms);
        return String.format(Locale.ROOT, "%.0f", ms);
    }

    static String seconds(long nanos) {
        return nanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    String summaryMs() {
        return "p50 " + ms(p50()) + " ms, p99 " + ms(p99()) + " ms, max " + ms(max()) + " ms (n=" + count() + ")";
    }
}
