/**
 * Reading feeds. Promise: no feed server and no feed content can hold a fetch past its deadline, make us
 * keep more than the documented maxima (docs/security.md), or end a fetch any other way than with a
 * result or a clear failure, and no fetch waiting on the network holds a thread. Entry points:
 * {@link dev.newsstream.feed.control.SourceReader#read} (one source, all its URLs in turn, each answer parsed in a
 * task of its own on the feed executor), {@link dev.newsstream.feed.control.FeedFetcher#fetchAsync} (one URL: name
 * lookup, exchange and redirects as callbacks, a deadline timer on the managed scheduler over headers and body,
 * byte cap, validators; {@code fetch} blocks on it for the OPML import), {@link dev.newsstream.feed.control.FeedParser} (bytes to capped articles, no I/O; an answer
 * that repeats a URL's last one byte for byte is not parsed again, {@code RepeatedAnswers}),
 * {@link dev.newsstream.feed.control.FeedTextLimits} (every string's maximum) and
 * {@link dev.newsstream.feed.control.SourceCatalog} (the configured sources).
 */
package dev.newsstream.feed;
