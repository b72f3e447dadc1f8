package dev.newsstream.cluster.control;

import dev.newsstream.store.control.ArrivalNumbering;
import dev.newsstream.store.control.LocalArrivalNumbering;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

/**
 * Arrival ids for a cluster: one counter in the grid, taken under the grid's numbering lock, which stays
 * held (by this fetch thread) until {@link ClusteredFetchRecordDelivery} has published the numbered record:
 * so records reach the arrivals topic, and every instance, in id order. The ids are also above everything
 * this instance's database reservation knows ({@link LocalArrivalNumbering}, which keeps reserving blocks
 * in the database), so they never go backwards against what the database holds. Alone it is the local
 * numbering, untouched.
 *
 * <p>The grid's counter lives in memory only. So that a crash of the whole cluster never hands out again
 * an id that was sent, every instance keeps its database reservation ahead of the counter as it sees it
 * pass (its own numbering, and every record the others publish): {@link LocalArrivalNumbering#passed}.
 */
@Alternative
@Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 10)
@ApplicationScoped
public class ClusteredArrivalNumbering implements ArrivalNumbering {

    @Inject
    LocalArrivalNumbering local;

    @Inject
    ClusterNode cluster;

    private final ThreadLocal<Boolean> holding = new ThreadLocal<>();

    @Override
    public long next(int count) {
        long localFirst = local.next(count);
        Grid grid = cluster.grid().orElse(null);
        if (grid == null) return localFirst;
        long first = grid.takeNumbers(count, localFirst - 1);
        holding.set(Boolean.TRUE);
        local.passed(first + count - 1); // the database reservation follows the grid's counter, not ours
        return first;
    }

    @Override
    public long startedAfter() {
        long after = local.startedAfter();
        Grid grid = cluster.grid().orElse(null);
        if (grid == null) return after;
        // This instance's arrival log starts above `after` (its own database reservation), so no member may
        // number below it from now on: raise the grid's counter to it (taking no number), or the records the
        // others publish would arrive "before" this log's start and never reach its live streams.
        grid.takeNumbers(0, after);
        grid.releaseNumbers();
        long given = grid.numbersGiven();
        local.passed(given);
        return Math.max(after, given);
    }

    /** Another instance's record numbered ids through {@code last}: this instance's reservation follows. */
    void passed(long last) {
        local.passed(last);
    }

    /** Whether this thread holds the numbering lock (taken by {@link #next}); clears the mark. */
    boolean releaseIfHeld(Grid grid) {
        if (holding.get() == null) return false;
        holding.remove();
        grid.releaseNumbers();
        return true;
    }
}
