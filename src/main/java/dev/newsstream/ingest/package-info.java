/**
 * Who fetches what, when. Promise: at most one fetch per source in flight, shared by every waiter and
 * cancelled with {@code cancel(true)} when the last one leaves (queued or running, it then leaves nothing
 * behind); every fetch ends, whatever is thrown, as a result or a failure its waiters hear of; a failing
 * source backs off but is never shelved for more than 24 hours. Entry points:
 * {@link dev.newsstream.ingest.control.FetchCoordinator#fetch} (streams, refreshes, debug),
 * {@link dev.newsstream.ingest.control.Ingestion} (the background refresh and {@code POST /cache/refresh}).
 */
package dev.newsstream.ingest;
