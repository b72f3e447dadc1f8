package dev.newsstream.store.control;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How long recording a fetch takes on the fetch path (numbering, memory, live publishing, queueing the
 * write): the figure that shows the database is off that path (it stays the same when the database is slow).
 */
final class RecordTimings {

    private final AtomicLong count = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();

    void add(long nanos) {
        count.incrementAndGet();
        totalNanos.addAndGet(nanos);
        maxNanos.accumulateAndGet(nanos, Math::max);
    }

    long count() {
        return count.get();
    }

    double averageMillis() {
        long n = count.get();
        return n == 0 ? 0 : totalNanos.get() / 1e6 / n;
    }

    double maxMillis() {
        return maxNanos.get() / 1e6;
    }
}
