package dev.newsstream.store.control;

import dev.newsstream.store.entity.FetchRecord;

/**
 * Step 2 of recording a fetch: brings a numbered {@link FetchRecord} to the memory (shelves, fetch
 * states, arrival log) and the live streams of every instance that serves streams, by calling
 * {@link FetchRecordApplier#apply} there. Called on the fetching instance right after
 * {@link ArrivalNumbering#next}, under {@link ArticleStore}'s record lock; must not wait on the database.
 *
 * <p>Contract for implementations: every instance applies records in ascending {@link FetchRecord#firstId()}
 * of those carrying arrivals (the arrival log takes only growing ids; an arrival below the log's last id is
 * not logged, though its article still lands on the shelf); the fetching instance has applied the record
 * when {@code deliver} returns (its fetch result and the streams waiting on it read memory next).
 * The database write is not part of delivery: only the fetching instance queues it.
 *
 * <p>The local default, {@link LocalFetchRecordDelivery}, applies the record here and now.
 */
public interface FetchRecordDelivery {

    void deliver(FetchRecord record);

    /**
     * The store is warm: records fetched by other instances may be applied here from now on (a cluster
     * applies those that came during start-up first, in order). Called once, at the end of the store's start.
     */
    default void open() {
    }
}
