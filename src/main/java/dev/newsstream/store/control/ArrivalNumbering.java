package dev.newsstream.store.control;

/**
 * Step 1 of recording a fetch: numbers a fetch's new articles. The numbers are the SSE event ids a
 * client sends back as {@code Last-Event-ID}, so they must only grow, survive a restart and never be
 * handed out twice, also after a crash, and also across instances sharing one database.
 *
 * <p>Never waits on the database (it is called on the fetch path). {@link ArticleStore} calls it under
 * its record lock, immediately followed by {@link FetchRecordDelivery#deliver} of the numbered record,
 * so on one instance records are applied in id order. The local default is {@link LocalArrivalNumbering}
 * (ids reserved from the database in blocks). A cluster substitutes its own implementation (a CDI
 * {@code @Alternative} with a {@code @Priority}) that hands out numbers under a cluster lock held until its
 * delivery has put the record in order for every instance.
 */
public interface ArrivalNumbering {

    /**
     * Reserves {@code count} (&gt;= 1) consecutive ids above every id handed out before and returns the
     * first.
     */
    long next(int count);

    /**
     * The highest id handed out (or that may have been, by any life of the service) when this instance
     * started: a stream that is up to date at start-up is up to date with it.
     */
    long startedAfter();
}
