/**
 * Storage: memory serves, the database remembers, and the fetch path never waits on the database.
 *
 * <p><b>Promise.</b> Every read ({@code /news} pages, a stream's {@code initial} snapshot, the live fan-out,
 * {@code Last-Event-ID} replay) answers from memory. Every fetch is recorded in memory and published to
 * live streams at once, and written to the database behind it; a slow or lost database changes nothing for
 * streams and fetches. Arrival ids (the SSE event ids) only grow, survive a restart and a crash, and are
 * never handed out twice.
 *
 * <p><b>Entry points.</b> {@link dev.newsstream.store.control.ArticleStore} is the front door (recording a
 * fetch, and the reads, passed on to the part that keeps them). Where each promise lives:
 * <ul>
 *   <li>{@link dev.newsstream.store.control.ArticleShelves}: the in-memory shelves (de-duplication by stable
 *   key decides what is new), pages, snapshots, the cache {@code version()};</li>
 *   <li>{@link dev.newsstream.store.control.FetchStates}: each source's fetch state and its URLs' validators;</li>
 *   <li>{@link dev.newsstream.store.control.Arrivals}: the arrival log and live publishing to every
 *   {@link dev.newsstream.store.control.ArrivalListener} bean (the stream package implements it; the store
 *   knows no stream class);</li>
 *   <li>{@link dev.newsstream.store.control.WriteBehind}: the database behind memory, the one
 *   {@link dev.newsstream.store.control.StoreWriter} with its {@code WriteQueue} and
 *   {@link dev.newsstream.store.control.SourceWriteStatements}, its checks, and the storage status;</li>
 *   <li>{@link dev.newsstream.store.control.StoreWarming} (start-up), {@link dev.newsstream.store.control.StoreRetention}
 *   (age limit and cap), {@link dev.newsstream.store.control.NewsDatabase} (data source, Flyway).</li>
 * </ul>
 *
 * <p><b>Recording a fetch, the seam for several instances.</b> {@code ArticleStore.recordFetch} does, under
 * one lock: split the fetched articles into those the source's shelf holds (they keep their ids) and new
 * ones; <em>step 1</em> {@link dev.newsstream.store.control.ArrivalNumbering#next(int)} numbers the new ones
 * (oldest first); <em>step 2</em> {@link dev.newsstream.store.control.FetchRecordDelivery#deliver} takes the
 * numbered {@link dev.newsstream.store.entity.FetchRecord} (source, fetched or failed, arrivals with ids,
 * known articles with ids, new state, validators) to memory and live streams. After the lock it queues the
 * record's database write (upsert by source and key, keeping the id memory gave) on the fetching instance
 * only. Both interfaces are CDI beans with local defaults, {@link dev.newsstream.store.control.LocalArrivalNumbering}
 * (blocks of ids reserved durably in table {@code arrival_number}) and
 * {@link dev.newsstream.store.control.LocalFetchRecordDelivery} (applies here and now through
 * {@link dev.newsstream.store.control.FetchRecordApplier}). A cluster substitutes both with
 * {@code @Alternative @Priority} beans: numbers handed out under a cluster lock (seeded above
 * {@code LocalArrivalNumbering.startedAfter()}, which the store always starts), and records published to
 * every instance (e.g. a Hazelcast ITopic; {@code FetchRecord} is Serializable), each instance calling
 * {@code FetchRecordApplier.apply} in ascending {@code firstId()}; {@code deliver} returns once the fetching
 * instance applied it. The applier touches no database.
 */
package dev.newsstream.store;
