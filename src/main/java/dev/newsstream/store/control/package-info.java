/**
 * Storage's workings: memory (shelves, fetch states, arrival log), the numbering and delivery of fetch
 * records, and the one database writer behind the fetch path. See {@link dev.newsstream.store} for the
 * promise and where each part of it is kept.
 */
package dev.newsstream.store.control;
