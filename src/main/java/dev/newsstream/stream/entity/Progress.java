package dev.newsstream.stream.entity;

/** How far a stream is: sources finished out of sources asked for. */
public record Progress(int completed, int total, double percentage) {
    public static Progress of(int completed, int total) {
        double pct = total == 0 ? 100.0 : Math.round(completed * 1000.0 / total) / 10.0;
        return new Progress(completed, total, pct);
    }
}
