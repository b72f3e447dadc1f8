package dev.newsstream.store.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Arrival ids from blocks reserved in the database (table {@code arrival_number}): a block's upper end
 * is committed (durably, also on H2, which otherwise writes lazily) before any id of it is handed out,
 * so a crash can lose ids but never lets a later life hand out one that was sent. At start-up numbering
 * continues above the highest reserved id and the highest stored article id, whichever is larger.
 *
 * <p>The next block is reserved in the background once half of the current one is used, so
 * {@link #next} never waits on the database. If the database stays away long enough for the reserve to
 * run out (more than {@code newsstream.store.id-block} / 2 arrivals), numbering goes on above the
 * reserved mark rather than stall fetches; it is logged and shown in {@code /debug/store}
 * ({@code unreserved_ids}), and the next reservation starts above every id handed out.
 *
 * <p>Instances sharing one database get disjoint blocks (the reservation is one row update), so ids
 * are never handed out twice; they are not in arrival order across instances: a cluster numbers under
 * its own lock instead (see {@link ArrivalNumbering}).
 */
@ApplicationScoped
public class LocalArrivalNumbering implements ArrivalNumbering {

    private static final Logger LOG = Logger.getLogger(LocalArrivalNumbering.class.getName());

    @Inject
    ArticleRepository repository;

    @Inject
    StorageSettings settings;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    private long startedAfter;
    private long next;
    private long blockEnd;
    private long upcomingStart;
    private long upcomingEnd;
    private boolean reserving;
    private long unreserved;
    private String lastFailure;

    /** Reserves the first block; the database must answer (it is start-up). Returns the last id of earlier lives. */
    public synchronized long start() {
        ArticleRepository.Reserved first = repository.reserveIds(0, block());
        startedAfter = first.after();
        next = first.after() + 1;
        blockEnd = first.through();
        LOG.info(() -> "Arrival ids continue after " + startedAfter + " (reserved through " + blockEnd + ")");
        return startedAfter;
    }

    @Override
    public synchronized long startedAfter() {
        return startedAfter;
    }

    @Override
    public synchronized long next(int count) {
        if (count < 1) throw new IllegalArgumentException("count " + count);
        if (next > blockEnd && upcomingEnd > 0) {
            next = Math.max(next, upcomingStart);
            blockEnd = upcomingEnd;
            upcomingStart = upcomingEnd = 0;
        }
        long first = next;
        next += count;
        long last = next - 1;
        if (last > blockEnd) {
            long beyond = last - Math.max(blockEnd, first - 1);
            if (unreserved == 0) {
                LOG.warning("Arrival ids ran past the reserved mark " + blockEnd + " (the database has not answered a"
                        + " reservation: " + lastFailure + "); numbering goes on unreserved");
            }
            unreserved += beyond;
        }
        if (upcomingEnd == 0 && blockEnd - last < block() / 2) reserveAhead();
        return first;
    }

    /**
     * Ids through {@code last} went out elsewhere in the cluster (its counter passed them): numbering here
     * goes on above them, and the reservation in the database is kept ahead of them as it is ahead of this
     * instance's own ids. The grid's counter lives only in memory: after a crash of the whole cluster every
     * instance starts above the reserved mark, so the mark must have passed every id that was sent.
     */
    public synchronized void passed(long last) {
        if (last < next) return;
        next = last + 1;
        if (next > blockEnd && upcomingEnd > 0) {
            next = Math.max(next, upcomingStart);
            blockEnd = upcomingEnd;
            upcomingStart = upcomingEnd = 0;
        }
        if (upcomingEnd == 0 && blockEnd - last < block() / 2) reserveAhead(); // from above last: floor next - 1
    }

    /** Reserves the next block in the background; tried again on the next call if it fails. */
    private void reserveAhead() {
        if (reserving) return;
        reserving = true;
        long floor = next - 1;
        try {
            scheduler.execute(() -> reserve(floor));
        } catch (RuntimeException e) {
            reserving = false;
        }
    }

    private void reserve(long floor) {
        ArticleRepository.Reserved block = null;
        try {
            block = repository.reserveIds(floor, block());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Reserving arrival ids failed", e);
            synchronized (this) {
                lastFailure = NewsDatabase.reason(e, settings.password());
            }
        } finally {
            synchronized (this) {
                reserving = false;
                if (block != null) {
                    if (next > blockEnd) {
                        // ran out (or past) meanwhile: continue in the new block straight away
                        next = Math.max(next, block.after() + 1);
                        blockEnd = block.through();
                        if (unreserved > 0) LOG.info("Arrival ids are reserved again, through " + blockEnd);
                        unreserved = 0;
                    } else {
                        upcomingStart = block.after() + 1;
                        upcomingEnd = block.through();
                    }
                }
            }
        }
    }

    /** Called periodically: retries a reservation that failed while the reserve is low. */
    void check() {
        synchronized (this) {
            if (upcomingEnd == 0 && blockEnd - (next - 1) < block() / 2) reserveAhead();
        }
    }

    public synchronized Figures figures() {
        return new Figures(next, Math.max(blockEnd, upcomingEnd), unreserved);
    }

    /** The next id, the highest reserved one, how many were handed out without a reservation. */
    public record Figures(long nextId, long reservedThrough, long unreservedIds) {
    }

    private int block() {
        return settings.idBlock();
    }
}
