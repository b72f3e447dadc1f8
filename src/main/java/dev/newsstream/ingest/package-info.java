/**
 * Who fetches what, when. Promise: at most one fetch per source in flight, shared by every waiter and
 * cancelled when the last one leaves (queued, it then starts nothing; waiting on the network, its exchange is
 * aborted and its socket closed; parsing, its task is interrupted); at most
 * {@code newsstream.fetch.max-per-host} reads per host in flight, each holding its slot until the whole read ends; every fetch ends, whatever is thrown, as a result or a failure its waiters hear of; a failing
 * source backs off but is never shelved for more than 24 hours. Entry points:
 * {@link dev.newsstream.ingest.control.FetchCoordinator#fetch} (streams, refreshes, debug),
 * {@link dev.newsstream.ingest.control.Ingestion} (the background refresh and {@code POST /cache/refresh}).
 */
package dev.newsstream.ingest;
