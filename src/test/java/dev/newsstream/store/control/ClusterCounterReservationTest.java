package dev.newsstream.store.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * A cluster numbers arrivals from a counter in the data grid, which lives in memory only: when the whole
 * cluster crashes, every instance starts again above the mark reserved in the database. So the mark must
 * follow the grid's counter, also when other instances moved it ({@link LocalArrivalNumbering#passed}).
 * The database here is the one row the reservation updates; background work runs at once.
 */
class ClusterCounterReservationTest {

    /** The arrival_number row (and the articles' highest id), as ArticleRepository.reserveIds treats them. */
    static final class ReservationRow extends ArticleRepository {
        long mark;
        long storedMax;

        @Override
        public Reserved reserveIds(long floor, int block) {
            long after = Math.max(floor, Math.max(mark, storedMax));
            mark = after + Math.max(1, block);
            return new Reserved(after, mark);
        }
    }

    static LocalArrivalNumbering numbering(ReservationRow row, int block) {
        LocalArrivalNumbering n = new LocalArrivalNumbering();
        n.repository = row;
        n.settings = new StorageSettings();
        n.settings.idBlock = block;
        n.scheduler = (ManagedScheduledExecutorService) Proxy.newProxyInstance(
                ManagedScheduledExecutorService.class.getClassLoader(),
                new Class<?>[] {ManagedScheduledExecutorService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("execute")) {
                        ((Runnable) args[0]).run();
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return n;
    }

    @Test
    void theReservedMarkFollowsTheGridCounterPastThisInstancesOwnBlock() {
        ReservationRow row = new ReservationRow();
        LocalArrivalNumbering a = numbering(row, 10);
        a.start(); // (0, 10]
        // other instances numbered through 37 (their ids went out to clients): this one's block is long passed
        a.passed(37);
        assertTrue(row.mark >= 37 + 10 / 2, "the database mark keeps ahead of every id sent: " + row.mark);
        assertEquals(0, a.figures().unreservedIds());
        long own = a.next(3);
        assertTrue(own > 37, "numbering here goes on above the grid's ids: " + own);
        assertTrue(row.mark >= own + 2, "and they are reserved too: " + row.mark);
    }

    @Test
    void afterAWholeClusterCrashNoInstanceStartsBelowAnIdThatWasSent() {
        ReservationRow row = new ReservationRow();
        LocalArrivalNumbering a = numbering(row, 100);
        LocalArrivalNumbering b = numbering(row, 100);
        a.start(); // (0, 100]
        b.start(); // (100, 200]
        long sent = 0;
        // the grid's counter runs ahead of each instance's own share: both see it pass as they number or
        // apply each other's records; none of the articles reached the database before the crash
        for (int i = 0; i < 200; i++) {
            LocalArrivalNumbering here = i % 2 == 0 ? a : b;
            LocalArrivalNumbering there = i % 2 == 0 ? b : a;
            long first = Math.max(sent, here.next(7) - 1) + 1; // ClusteredArrivalNumbering: above both
            sent = first + 6;
            here.passed(sent);
            there.passed(sent); // the record reaches the other instance
            assertTrue(row.mark >= sent, "id " + sent + " went out above the reserved mark " + row.mark);
        }
        LocalArrivalNumbering restarted = numbering(row, 100);
        assertTrue(restarted.start() >= sent, "a new life starts above every id sent (" + sent + ")");
    }

    @Test
    void idsBelowWhatThisInstanceHandedOutChangeNothing() {
        ReservationRow row = new ReservationRow();
        LocalArrivalNumbering a = numbering(row, 10);
        a.start();
        long first = a.next(2);
        long mark = row.mark;
        a.passed(first);
        assertEquals(first + 2, a.next(1));
        assertEquals(mark, row.mark);
    }
}
